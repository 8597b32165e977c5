namespace Secrets.Client.Testing;

/// <summary>
/// Settings every AWS service emulator shares (<see cref="AwsSecretsManagerEmulatorOptions"/>,
/// <see cref="SqsEmulatorOptions"/>, <see cref="CloudTrailEmulatorOptions"/>): the region and account it plays, and the
/// test credential whose SigV4 signatures it accepts.
/// </summary>
public abstract class AwsEmulatorOptions : EmulatorOptions
{
    private protected AwsEmulatorOptions()
    {
    }

    /// <summary>Gets or sets the region the emulator serves; requests signed for another region are refused. Default <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Gets or sets the twelve-digit account id used in ARNs, queue URLs and records. Default <c>123456789012</c>.</summary>
    public string AccountId { get; set; } = "123456789012";

    /// <summary>Gets or sets the access key id the emulator accepts. Default <c>AKIAEMULATOR00000001</c>.</summary>
    public string AccessKeyId { get; set; } = "AKIAEMULATOR00000001";

    /// <summary>Gets or sets the secret access key the emulator verifies signatures with. A fixed, public test value by default.</summary>
    public string SecretAccessKey { get; set; } = "emulator/secret/access/key/not/a/real/one0";

    /// <summary>Gets or sets how far a request's <c>X-Amz-Date</c> may be from the emulator's clock, as AWS allows. Default 15 minutes.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);
}
