namespace Secrets.Client.Testing;

/// <summary>Settings every emulator shares: its port, its clock and who it lets in.</summary>
public abstract class EmulatorOptions
{
    /// <summary>Gets or sets the port to listen on, or 0 (the default) for a free one.</summary>
    public int Port { get; set; }

    /// <summary>Gets or sets the clock for version stamps, token lifetimes and injected latency. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets who the emulator lets in: a map from the credential a request carried to a principal (recorded in
    /// <c>Traffic</c>) or <see langword="null"/> to refuse it. <see langword="null"/> (the default) accepts the
    /// emulator's own test credential only.
    /// </summary>
    public EmulatorAuthenticator? Authenticator { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
    }

    /// <summary>
    /// Gets or sets where answered calls are recorded for the audit emulators (CloudTrail, Cloud Logging); none when null.
    /// </summary>
    public EmulatorAccessLog? AccessLog { get; set; }
}
