namespace Secrets.Client.Testing;

/// <summary>Settings for a <see cref="PubSubEmulator"/>.</summary>
public sealed class PubSubEmulatorOptions : EmulatorOptions
{
    /// <summary>Gets or sets the project the seeding helpers use. Requests may name any project. Default <c>emulator-project</c>.</summary>
    public string ProjectId { get; set; } = "emulator-project";

    /// <summary>
    /// Gets or sets the bearer token the emulator accepts; <see langword="null"/> (the default) makes a random one at
    /// start. Requests with another token, or none, are refused with 401 unless <see cref="AllowAnonymous"/> is set.
    /// </summary>
    public string? TestToken { get; set; }

    /// <summary>Gets or sets a value indicating whether requests without a valid token are served too (as Google's own emulator does). Default <see langword="false"/>.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Gets or sets how long a pull without <c>returnImmediately</c> waits for a message before answering empty. Default 10 seconds.</summary>
    public TimeSpan MaxPullWait { get; set; } = TimeSpan.FromSeconds(10);
}
