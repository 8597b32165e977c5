namespace Secrets.Client.Testing;

/// <summary>Settings every loopback identity emulator shares: its clock, how long what it issues lives, and its port.</summary>
public class IdentityEmulatorOptions
{
    /// <summary>
    /// Gets or sets the clock that stamps issued credentials and decides when they have expired. Default the system clock;
    /// tests pass a <c>FakeTimeProvider</c> and advance it past <see cref="CredentialLifetime"/> to expire credentials without waiting.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets how long issued credentials and access tokens are valid. Default one hour, as the platforms issue.
    /// A short lifetime (a few minutes) is inside every SDK's refresh window, so the SDK fetches a new one before each use.
    /// </summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the port to listen on; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }
}
