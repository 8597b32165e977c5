using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>Command-line settings shared by every emulator kind.</summary>
internal sealed record EmulatorSettings(int Port, string? Region, bool UseHttps, EmulatorSeed? Seed)
{
    /// <summary>Gets the identity emulator's check of every request's credential (identity kinds), or null for the emulator's own test credentials.</summary>
    public Testing.EmulatorAuthenticator? Authenticator { get; init; }

    /// <summary>Gets the Entra tenant the Key Vault emulator's challenge names (the identity emulator's), or null for its default.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets where the Key Vault emulator publishes its Event Grid events (<c>--event-queue</c>, <c>--event-webhook</c>).</summary>
    public IReadOnlyList<KeyVaultEventSink> EventSinks { get; init; } = [];

    /// <summary>Gets a value indicating whether the Vault emulator serves its event websocket (<c>--no-events</c>: Community Vault's 404).</summary>
    public bool EventsEnabled { get; init; } = true;
}
