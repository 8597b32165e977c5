namespace Secrets.Client.Testing;

/// <summary>Settings of a <see cref="CloudTrailEmulator"/>.</summary>
public sealed class CloudTrailEmulatorOptions : EmulatorOptions
{
    /// <summary>Gets or sets the calls to serve as events: give the same log to the Secrets Manager emulator's <see cref="EmulatorOptions.AccessLog"/>.</summary>
    public EmulatorAccessLog Source { get; set; } = new();

    /// <summary>Gets or sets the region (signatures for another region are refused; records name it).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Gets or sets the account id records name.</summary>
    public string AccountId { get; set; } = "123456789012";

    /// <summary>Gets or sets the access key id accepted.</summary>
    public string AccessKeyId { get; set; } = "AKIAEMULATOR00000001";

    /// <summary>Gets or sets the secret access key accepted.</summary>
    public string SecretAccessKey { get; set; } = "emulator/secret/access/key/not/a/real/one0";

    /// <summary>Gets or sets how far <c>X-Amz-Date</c> may be from the clock.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);
}
