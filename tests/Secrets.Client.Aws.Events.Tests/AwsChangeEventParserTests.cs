namespace Secrets.Client.Aws.Events.Tests;

/// <summary>Every spelling of the secret id an EventBridge event may carry becomes the name and its aliases; anything else is ignored with a reason.</summary>
public class AwsChangeEventParserTests
{
    private const string Arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123";

    private static readonly AwsSecretChangeListenerOptions Options = new() { QueueUrl = "http://q" };

    private static string Event(string eventName, string request, string response = "null", string detailType = "AWS API Call via CloudTrail", string extra = "") =>
        "{\"detail-type\":\"" + detailType + "\",\"source\":\"aws.secretsmanager\",\"account\":\"123456789012\",\"region\":\"us-east-1\",\"time\":\"2026-12-02T10:00:00Z\","
        + "\"detail\":{\"eventName\":\"" + eventName + "\",\"eventTime\":\"2026-12-02T10:00:01.250Z\",\"requestParameters\":" + request + ",\"responseElements\":" + response + extra + "}}";

    [Fact]
    public void A_name_gets_its_partial_ARN_and_the_full_ARN_of_the_response_as_aliases_and_the_new_version()
    {
        var (note, ignored) = AwsChangeEventParser.Parse(Event("PutSecretValue", "{\"secretId\":\"prod/db\"}", "{\"arn\":\"" + Arn + "\",\"versionId\":\"v-2\"}"), Options, "aws-sqs");

        Assert.Null(ignored);
        Assert.Equal("prod/db", note!.SecretName);
        Assert.Equal("aws-sm", note.Provider);
        Assert.Equal(new[] { Arn, Arn[..^7] }, note.Aliases);
        Assert.Equal("v-2", note.Version);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 1, 250, TimeSpan.Zero), note.EventTime);
        Assert.Equal("aws-sqs", note.Source);
    }

    [Fact]
    public void A_full_ARN_without_a_response_offers_both_readings_of_its_suffix()
    {
        var (note, _) = AwsChangeEventParser.Parse(Event("UpdateSecret", "{\"secretId\":\"" + Arn + "\"}"), Options, "aws-sqs");

        Assert.Equal("prod/db", note!.SecretName);
        Assert.Contains(Arn, note.Aliases);
        Assert.Contains("prod/db-AbC123", note.Aliases);
        Assert.Contains(Arn[..^7], note.Aliases);
    }

    [Fact]
    public void A_rotation_service_event_names_the_secret_by_its_ARN_in_additional_event_data()
    {
        var body = Event("RotationSucceeded", "null", "null", "AWS Service Event via CloudTrail", ",\"additionalEventData\":{\"SecretId\":\"" + Arn + "\"}");

        var (note, _) = AwsChangeEventParser.Parse(body, Options, "aws-sqs");

        Assert.Equal("RotationSucceeded", note!.EventType);
        Assert.Contains("prod/db", note.Aliases.Append(note.SecretName));
        Assert.Null(note.Version);
    }

    [Fact]
    public void A_rotation_s_first_steps_name_a_version_that_is_not_current_yet_and_are_ignored()
    {
        var rotate = AwsChangeEventParser.Parse(Event("RotateSecret", "{\"secretId\":\"prod/db\"}", "{\"arn\":\"" + Arn + "\",\"versionId\":\"v-3\"}"), Options, "aws-sqs");
        var pending = AwsChangeEventParser.Parse(Event("PutSecretValue", "{\"secretId\":\"" + Arn + "\",\"versionStages\":[\"AWSPENDING\"]}", "{\"arn\":\"" + Arn + "\",\"versionId\":\"v-3\"}"), Options, "aws-sqs");

        Assert.Equal((null, "not-current"), (rotate.Notification, rotate.IgnoredReason));
        Assert.Equal((null, "not-current"), (pending.Notification, pending.IgnoredReason));
    }

    [Fact]
    public void A_value_put_as_AWSCURRENT_or_without_labels_announces_its_version()
    {
        var labelled = AwsChangeEventParser.Parse(Event("PutSecretValue", "{\"secretId\":\"prod/db\",\"versionStages\":[\"AWSPENDING\",\"AWSCURRENT\"]}", "{\"arn\":\"" + Arn + "\",\"versionId\":\"v-4\"}"), Options, "aws-sqs");
        var unlabelled = AwsChangeEventParser.Parse(Event("PutSecretValue", "{\"secretId\":\"prod/db\",\"versionStages\":null}", "{\"arn\":\"" + Arn + "\",\"versionId\":\"v-5\"}"), Options, "aws-sqs");

        Assert.Null(labelled.IgnoredReason);
        Assert.Equal("v-4", labelled.Notification!.Version);
        Assert.Null(unlabelled.IgnoredReason);
        Assert.Equal("v-5", unlabelled.Notification!.Version);
    }

    [Fact]
    public void Moving_AWSCURRENT_announces_the_version_it_moved_to_and_other_labels_announce_none()
    {
        var current = AwsChangeEventParser.Parse(Event("UpdateSecretVersionStage", "{\"secretId\":\"prod/db\",\"versionStage\":\"AWSCURRENT\",\"moveToVersionId\":\"v-9\"}"), Options, "aws-sqs").Notification;
        var pending = AwsChangeEventParser.Parse(Event("UpdateSecretVersionStage", "{\"secretId\":\"prod/db\",\"versionStage\":\"AWSPENDING\",\"moveToVersionId\":\"v-9\"}"), Options, "aws-sqs").Notification;

        Assert.Equal("v-9", current!.Version);
        Assert.Null(pending!.Version);
    }

    [Fact]
    public void An_event_wrapped_by_SNS_without_raw_delivery_is_unwrapped()
    {
        var inner = Event("DeleteSecret", "{\"secretId\":\"prod/db\"}");
        var wrapped = "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\",\"Message\":" + System.Text.Json.JsonSerializer.Serialize(inner) + "}";

        Assert.Equal("prod/db", AwsChangeEventParser.Parse(wrapped, Options, "aws-sqs").Notification!.SecretName);
    }

    [Theory]
    [InlineData("{oops", "malformed")]
    [InlineData("[]", "malformed")]
    [InlineData("{\"source\":\"aws.secretsmanager\"}", "malformed")]
    [InlineData("{\"source\":\"aws.secretsmanager\",\"detail\":{\"requestParameters\":{\"secretId\":\"x\"}}}", "malformed")]
    [InlineData("{\"source\":\"aws.secretsmanager\",\"detail\":{\"eventName\":\"PutSecretValue\",\"requestParameters\":{}}}", "malformed")]
    [InlineData("{\"source\":\"aws.secretsmanager\",\"detail\":{\"eventName\":\"PutSecretValue\",\"requestParameters\":{\"secretId\":\"arn:aws:s3:::bucket\"}}}", "malformed")]
    [InlineData("{\"source\":\"aws.kms\",\"detail\":{\"eventName\":\"PutSecretValue\"}}", "other-source")]
    [InlineData("{\"source\":\"aws.secretsmanager\",\"detail\":{\"eventName\":\"GetSecretValue\",\"requestParameters\":{\"secretId\":\"x\"}}}", "event-type")]
    public void Malformed_foreign_and_read_only_events_are_ignored_with_a_reason(string body, string reason)
    {
        var (note, ignored) = AwsChangeEventParser.Parse(body, Options, "aws-sqs");

        Assert.Null(note);
        Assert.Equal(reason, ignored);
    }

    [Fact]
    public void Events_of_another_account_or_region_are_ignored_when_the_listener_expects_one()
    {
        var options = new AwsSecretChangeListenerOptions { QueueUrl = "http://q", ExpectedAccountId = "000000000000" };
        Assert.Equal("other-account", AwsChangeEventParser.Parse(Event("PutSecretValue", "{\"secretId\":\"prod/db\"}"), options, "aws-sqs").IgnoredReason);
        options = new AwsSecretChangeListenerOptions { QueueUrl = "http://q", ExpectedRegion = "eu-west-1" };
        Assert.Equal("other-region", AwsChangeEventParser.Parse(Event("PutSecretValue", "{\"secretId\":\"prod/db\"}"), options, "aws-sqs").IgnoredReason);
    }

    [Fact]
    public void Options_refuse_both_or_neither_queue_and_out_of_range_polls_naming_the_setting()
    {
        Assert.Contains("QueueUrl", Assert.Throws<ArgumentException>(() => new AwsSecretChangeListenerOptions().Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("WaitTimeSeconds", Assert.Throws<ArgumentException>(() => new AwsSecretChangeListenerOptions { QueueUrl = "q", WaitTimeSeconds = 21 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("InstanceId", Assert.Throws<ArgumentException>(() => new AwsSecretChangeListenerOptions { InstanceQueue = new AwsInstanceQueueOptions { InstanceId = "bad id" } }.Validate()).Message, StringComparison.Ordinal);
    }
}
