namespace Secrets.Client.Aws.Events.Tests;

/// <summary>A RotationSucceeded is redundant only after a handed-over stage move to AWSCURRENT of the same secret, shortly before it.</summary>
public class AwsStageMovesTests
{
    private const string Arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123";
    private static readonly AwsSecretChangeListenerOptions Options = new() { QueueUrl = "http://q" };

    private static SecretChangeNotification Note(string eventName, string eventTime, string request, string response = "null", string extra = "") =>
        AwsChangeEventParser.Parse(
            "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.secretsmanager\",\"account\":\"123456789012\",\"region\":\"us-east-1\","
            + "\"detail\":{\"eventName\":\"" + eventName + "\",\"eventTime\":\"" + eventTime + "\",\"requestParameters\":" + request + ",\"responseElements\":" + response + extra + "}}",
            Options, "aws-sqs").Notification!;

    private static SecretChangeNotification Succeeded(string eventTime, string arn = Arn) =>
        Note("RotationSucceeded", eventTime, "null", "null", ",\"additionalEventData\":{\"SecretId\":\"" + arn + "\"}");

    private static SecretChangeNotification Moved(string eventTime, string secretId = Arn, string stage = "AWSCURRENT") =>
        Note("UpdateSecretVersionStage", eventTime, "{\"secretId\":\"" + secretId + "\",\"versionStage\":\"" + stage + "\",\"moveToVersionId\":\"v-2\"}", "{\"arn\":\"" + Arn + "\",\"name\":\"prod/db\"}");

    [Theory]
    [InlineData("2026-12-02T10:00:07Z", Arn, "AWSCURRENT", "2026-12-02T10:00:08Z", true)]
    [InlineData("2026-12-02T10:00:07Z", "prod/db", "AWSCURRENT", "2026-12-02T10:00:08Z", true)]
    [InlineData("2026-12-02T10:00:08Z", Arn, "AWSCURRENT", "2026-12-02T10:00:08Z", true)]
    [InlineData("2026-12-02T09:46:00Z", Arn, "AWSCURRENT", "2026-12-02T10:00:08Z", true)]
    [InlineData("2026-12-02T09:44:00Z", Arn, "AWSCURRENT", "2026-12-02T10:00:08Z", false)]
    [InlineData("2026-12-02T10:00:10Z", Arn, "AWSCURRENT", "2026-12-02T10:00:08Z", false)]
    [InlineData("2026-12-02T10:00:07Z", Arn, "AWSPENDING", "2026-12-02T10:00:08Z", false)]
    public void A_RotationSucceeded_is_redundant_only_shortly_after_a_stage_move_to_AWSCURRENT_of_that_secret(string movedAt, string secretId, string stage, string succeededAt, bool redundant)
    {
        var moves = new AwsStageMoves();
        moves.Record(Moved(movedAt, secretId, stage));

        Assert.Equal(redundant, moves.AlreadyHandedOver(Succeeded(succeededAt)));
    }

    [Fact]
    public void Another_secret_s_stage_move_or_none_at_all_leaves_RotationSucceeded_to_be_handed_over()
    {
        var moves = new AwsStageMoves();
        Assert.False(moves.AlreadyHandedOver(Succeeded("2026-12-02T10:00:08Z")));

        moves.Record(Moved("2026-12-02T10:00:07Z"));

        Assert.False(moves.AlreadyHandedOver(Succeeded("2026-12-02T10:00:08Z", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-XyZ789")));
        Assert.False(moves.AlreadyHandedOver(Moved("2026-12-02T10:00:09Z")));
    }
}
