namespace Secrets.Client.Testing;

/// <summary>Settings of a <see cref="CloudLoggingEmulator"/>.</summary>
public sealed class CloudLoggingEmulatorOptions : EmulatorOptions
{
    /// <summary>Gets or sets the calls to serve as Data Access audit entries: give the same log to the Secret Manager emulator.</summary>
    public EmulatorAccessLog Source { get; set; } = new();

    /// <summary>Gets or sets the project whose logs are served.</summary>
    public string ProjectId { get; set; } = "emulator-project";

    /// <summary>Gets or sets the bearer token accepted.</summary>
    public string AccessToken { get; set; } = "emulator-logging-token";
}
