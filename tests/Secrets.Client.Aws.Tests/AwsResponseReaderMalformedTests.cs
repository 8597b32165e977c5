using System.Text;

namespace Secrets.Client.Aws.Tests;

/// <summary>
/// Secrets Manager answers that are JSON but not its shape (a property of the wrong type, a string that decodes to a lone
/// surrogate, a date out of range) give the typed <see cref="SecretFormatException"/>, as bad syntax does (issue #11).
/// </summary>
public sealed class AwsResponseReaderMalformedTests
{
    [Theory]
    [InlineData("""{"Name":5,"SecretString":"x"}""")]
    [InlineData("""{"Name":"db","SecretString":"\ud800"}""")]
    [InlineData("""{"Name":"\udc00","SecretString":"x"}""")]
    [InlineData("""{"Name":"db","VersionStages":["\ud800"],"SecretString":"x"}""")]
    [InlineData("""{"Name":"db","SecretString":"x",""")]
    [InlineData("""[1]""")]
    public void A_malformed_GetSecretValue_answer_is_a_format_error(string body)
    {
        var error = Assert.Throws<SecretFormatException>(() => AwsResponseReader.ReadSecretValue(Encoding.UTF8.GetBytes(body), "aws-sm", "db"));

        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.Equal("db", error.SecretName);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void Malformed_list_describe_versions_and_write_answers_are_format_errors()
    {
        var wrongType = """{"SecretList":[{"Name":5}],"Versions":[{"VersionId":5}],"Tags":[{"Key":"\ud800"}],"VersionId":5,"Name":5}"""u8.ToArray();

        Assert.Throws<SecretFormatException>(() => AwsResponseReader.ReadSecretList(wrongType, "aws-sm", "prod/", []));
        Assert.Throws<SecretFormatException>(() => AwsResponseReader.ReadDescription("""{"Tags":[{"Key":"\ud800"}]}"""u8, "aws-sm", "db"));
        Assert.Throws<SecretFormatException>(() => AwsResponseReader.ReadVersionList(wrongType, "aws-sm", "db", []));
        Assert.Throws<SecretFormatException>(() => AwsResponseReader.ReadWriteResult(wrongType, "aws-sm", "db"));
        var batchValues = new List<(Secret Secret, string? Arn)>();
        Assert.Throws<SecretFormatException>(() => AwsResponseReader.ReadBatch("""{"SecretValues":[{"Name":"a","SecretString":"ok"},{"Name":"b","SecretString":"\ud800"}]}"""u8, "aws-sm", batchValues, []));
        Assert.Empty(batchValues);
    }

    [Fact]
    public void A_date_out_of_range_is_left_out_rather_than_thrown()
    {
        using var secret = AwsResponseReader.ReadSecretValue("""{"Name":"db","SecretString":"x","CreatedDate":1e300}"""u8, "aws-sm", "db");

        Assert.Null(secret.Properties.CreatedOn);
        Assert.Equal("x", secret.Value.ExposeAsString());
    }

    [Fact]
    public void An_error_body_of_any_shape_is_read_without_throwing()
    {
        var (code, message) = AwsResponseReader.ReadError("""{"__type":"x#Throttling","message":"\ud800"}"""u8);

        Assert.Equal("Throttling", code);
        Assert.Null(message);
    }
}
