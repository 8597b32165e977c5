namespace Secrets.Client;

/// <content>Disabling a secret version (after a leak): through the provider, audited, and out of the cache.</content>
public partial class SecretStore
{
    /// <summary>
    /// Stops the backend serving one version of a secret (<see cref="SecretProvider.DisableSecretVersionAsync"/>: AWS
    /// removes its staging labels, Azure and GCP disable it, Vault soft-deletes it), the way the store runs every
    /// provider operation: routed and scope-checked, through the provider's resilience pipeline (the call is idempotent),
    /// with errors mapped to the SDK's types and a <see cref="SecretAccessKind.Disable"/> audit record. Then every cached
    /// value of that version is dropped, whether pinned to it (<c>?version=V</c>) or holding it through a stage or as the
    /// current version, and <see cref="SecretChangeKind.Invalidated"/> is raised for each, so that holders read again.
    /// </summary>
    /// <param name="reference">The secret, pinned to the version to disable (<c>?version=V</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the backend no longer serves the version.</returns>
    /// <exception cref="InvalidSecretReferenceException">The reference names no version, or no registered provider.</exception>
    /// <exception cref="SecretEnvironmentScopeException">The provider or the reference may not be used in the store's environment.</exception>
    /// <exception cref="SecretVersionInUseException">The version is the one the backend serves now (AWS <c>AWSCURRENT</c>): rotate first.</exception>
    /// <exception cref="SecretNotFoundException">The secret or the version does not exist.</exception>
    /// <exception cref="SecretStoreException">
    /// The provider cannot disable versions (its <see cref="Exception.InnerException"/> is the provider's
    /// <see cref="NotSupportedException"/>; see <see cref="SecretProvider.SupportsVersionDisabling"/>), or the backend
    /// refused or failed.
    /// </exception>
    public virtual async ValueTask DisableSecretVersionAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (reference.Version is not { Length: > 0 } version)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "disabling needs the version to disable (?version=V).", reference.Provider);
        }

        await _operations.InvokeAsync<SecretProvider, bool>(
            reference,
            SecretAccessKind.Disable,
            static async (provider, key, ct) =>
            {
                await provider.DisableSecretVersionAsync(key, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

        var (_, pinned) = _router.Resolve(reference, this);
        var holding = new List<SecretReference> { pinned };
        foreach (var (key, entry) in _index.Entries)
        {
            if (!key.Equals(pinned)
                && string.Equals(key.Provider, pinned.Provider, StringComparison.Ordinal)
                && string.Equals(key.Path, pinned.Path, StringComparison.Ordinal)
                && (string.Equals(key.Version, version, StringComparison.Ordinal) || string.Equals(entry.Secret?.Properties.Version, version, StringComparison.Ordinal)))
            {
                holding.Add(key);
            }
        }

        // A read by stage already in flight (not cached yet) may have read the version before it was disabled: detached,
        // it answers those waiting on it but does not put the version in the cache.
        foreach (var key in _fetcher.KeysInFlight(pinned.Provider!, pinned.Path))
        {
            if (!holding.Contains(key))
            {
                holding.Add(key);
            }
        }

        foreach (var key in holding)
        {
            Changed(key, SecretChangeKind.Invalidated, properties: null, baseline: null);
        }
    }
}
