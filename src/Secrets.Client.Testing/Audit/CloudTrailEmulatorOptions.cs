namespace Secrets.Client.Testing;

/// <summary>Settings of a <see cref="CloudTrailEmulator"/>.</summary>
public sealed class CloudTrailEmulatorOptions : AwsEmulatorOptions
{
    /// <summary>Gets or sets the calls to serve as events: give the same log to the Secrets Manager emulator's <see cref="EmulatorOptions.AccessLog"/>.</summary>
    public EmulatorAccessLog Source { get; set; } = new();
}
