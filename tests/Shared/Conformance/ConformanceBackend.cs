using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Conformance;

/// <summary>
/// One adapter and its loopback emulator as the conformance suite sees them: how to seed a secret, how to name it in a
/// reference, how to build the provider (with good or wrong credentials) and the emulator's faults and traffic. Each
/// adapter's test project implements it once; <see cref="ProviderConformanceTests"/> holds the tests they all run.
/// </summary>
public abstract class ConformanceBackend : IAsyncDisposable
{
    /// <summary>Gets the provider's name (the scheme of its references).</summary>
    public abstract string ProviderName { get; }

    /// <summary>Gets the emulator's fault switches (503s, 429s with Retry-After, latency).</summary>
    public abstract EmulatorFaults Faults { get; }

    /// <summary>Gets every request the emulator answered.</summary>
    public abstract EmulatorTraffic Traffic { get; }

    /// <summary>Gets a value indicating whether a listing arrives in several pages for <see cref="ListedSecretCount"/> secrets.</summary>
    public virtual bool ListsInPages => true;

    /// <summary>Gets how many secrets the listing test seeds (more than one page where the backend pages).</summary>
    public virtual int ListedSecretCount => 30;

    /// <summary>Gets the prefix listed secrets share, as the store's listing takes it.</summary>
    public virtual string ListPrefix => "conf-list-";

    /// <summary>The reference path of the secret named <paramref name="name"/> (for writes, properties and rotation).</summary>
    /// <param name="name">A portable name: letters, digits and dashes.</param>
    /// <returns>The reference, for example <c>aws-sm://conf-db</c>.</returns>
    public virtual string Reference(string name) => $"{ProviderName}://{name}";

    /// <summary>The reference that reads the plain text value a seed or a write stored (Vault needs <c>#value</c>).</summary>
    /// <param name="name">The secret's name.</param>
    /// <returns>The reference.</returns>
    public virtual string ValueReference(string name) => Reference(name);

    /// <summary>The name under which a listing reports the secret (Vault adds its mount).</summary>
    /// <param name="name">The secret's name.</param>
    /// <returns>The listed name.</returns>
    public virtual string ListedName(string name) => name;

    /// <summary>Stores a value as the secret's new current version, creating the secret if needed, directly in the emulator.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">Its plain text value.</param>
    /// <returns>The version id, as the provider reports it in <see cref="SecretProperties.Version"/>.</returns>
    public abstract string Seed(string name, string value);

    /// <summary>Builds the provider pointed at the emulator.</summary>
    /// <param name="settings">Credentials, logging, metrics and extra options.</param>
    /// <returns>The provider.</returns>
    public abstract SecretProvider CreateProvider(ConformanceProviderSettings settings);

    /// <summary>
    /// Seeds secrets that exist at the backend but that the adapter must refuse to read (disabled, deleted, destroyed...),
    /// each holding <paramref name="canary"/>, for the canary scan; returns their references.
    /// </summary>
    /// <param name="canary">The canary value.</param>
    /// <returns>References whose reads fail.</returns>
    public virtual IReadOnlyList<string> SeedRefusedSecrets(string canary) => [];

    /// <summary>Stops the emulator.</summary>
    /// <returns>A task.</returns>
    public abstract ValueTask DisposeAsync();
}

/// <summary>What a conformance test asks of the provider it builds.</summary>
public sealed class ConformanceProviderSettings
{
    /// <summary>Gets or sets a value indicating whether the provider authenticates with credentials the emulator refuses.</summary>
    public bool WrongCredentials { get; set; }

    /// <summary>Gets or sets the logger factory the provider logs through.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the meter factory the provider records through.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Gets or sets the value a rotation writes, for adapters that rotate by writing a new version.</summary>
    public string RotationValue { get; set; } = "rotated-value";

    /// <summary>Gets or sets further settings of the shared options base (allowed environments, resilience).</summary>
    public Action<SecretProviderOptions>? Configure { get; set; }
}
