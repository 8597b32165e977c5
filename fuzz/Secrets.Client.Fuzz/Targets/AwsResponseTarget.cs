using Secrets.Client.Aws;

namespace Secrets.Client.Fuzz.Targets;

/// <summary>
/// Every reader of Secrets Manager answers (<c>AwsResponseReader</c>) on the same bytes: only
/// <see cref="SecretFormatException"/> may come out; the error-body reader never throws.
/// </summary>
internal sealed class AwsResponseTarget : FuzzTarget
{
    public override string Name => "aws-response";

    public override string TypedError => nameof(SecretFormatException);

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        Utf8("{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:1:secret:db-AbC\",\"Name\":\"db\",\"VersionId\":\"v1\",\"SecretString\":\"{\\\"password\\\":\\\"p\\\"}\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}"),
        Utf8("{\"Name\":\"bin\",\"SecretBinary\":\"AAEC\\/w==\",\"CreatedDate\":1e300}"),
        Utf8("{\"SecretValues\":[{\"Name\":\"a\",\"SecretString\":\"\\ud800\"}],\"Errors\":[{\"SecretId\":\"b\",\"ErrorCode\":\"ResourceNotFoundException\",\"Message\":\"m\"}],\"NextToken\":\"t\"}"),
        Utf8("{\"SecretList\":[{\"ARN\":\"a\",\"Name\":\"n\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],\"SecretVersionsToStages\":{\"v1\":[\"AWSCURRENT\"]},\"LastChangedDate\":\"2026-01-01T00:00:00Z\"}],\"NextToken\":null}"),
        Utf8("{\"Name\":\"n\",\"Versions\":[{\"VersionId\":\"v\",\"VersionStages\":[\"AWSPREVIOUS\"],\"CreatedDate\":-1e20}]}"),
        Utf8("{\"__type\":\"com.amazonaws#ResourceNotFoundException:x\",\"message\":\"\\udc00\"}"),
    ];

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. Tokens("{", "}", "[", "]", ":", ",", "\"", "\\ud800", "\\u0041", "\\/", "null", "true", "1e999", "-1e20", "0.5",
            "\"SecretString\"", "\"SecretBinary\"", "\"Name\"", "\"ARN\"", "\"VersionId\"", "\"VersionStages\"", "\"CreatedDate\"",
            "\"SecretValues\"", "\"Errors\"", "\"SecretId\"", "\"ErrorCode\"", "\"NextToken\"", "\"SecretList\"", "\"Tags\"", "\"Key\"",
            "\"Value\"", "\"SecretVersionsToStages\"", "\"DeletedDate\"", "\"Versions\"", "\"__type\"", "\"message\""),
        [0xC3, 0x28], [0xFF],
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        Typed(input, static json => AwsResponseReader.ReadSecretValue(json, "aws-sm", "fuzz").Dispose());
        Typed(input, static json =>
        {
            var values = new List<(Secret Secret, string? Arn)>();
            AwsResponseReader.ReadBatch(json, "aws-sm", values, []);
            values.ForEach(static v => v.Secret.Dispose());
        });
        Typed(input, static json => AwsResponseReader.ReadDescription(json, "aws-sm", "fuzz"));
        Typed(input, static json => AwsResponseReader.ReadSecretList(json, "aws-sm", null, []));
        Typed(input, static json => AwsResponseReader.ReadVersionList(json, "aws-sm", "fuzz", []));
        Typed(input, static json => AwsResponseReader.ReadWriteResult(json, "aws-sm", "fuzz"));
        _ = AwsResponseReader.ReadError(input);
    }

    private static void Typed(ReadOnlySpan<byte> input, ReadAction read)
    {
        try
        {
            read(input);
        }
        catch (SecretFormatException)
        {
        }
    }

    private delegate void ReadAction(ReadOnlySpan<byte> json);
}
