using System.Collections.Concurrent;

namespace Secrets.Client;

/// <content>The rotation window: current and previous versions, through the cache, switchable off per secret.</content>
public partial class SecretStore
{
    private readonly ConcurrentDictionary<SecretReference, bool> _previousRefused = new();

    /// <summary>
    /// Gets the versions a verifier should accept while a secret rotates: the current one and, for backends that keep
    /// versions (AWS <c>AWSPREVIOUS</c>, the previous GCP or Vault version number, ...), the previous one, unless it was
    /// switched off for this secret with <see cref="SetPreviousVersionAccepted"/>. Both are read like any read:
    /// cached, refreshed, audited, wiped by the store.
    /// </summary>
    /// <param name="reference">The secret (a field reference gives that field of both versions).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The window; its secrets are owned by the store.</returns>
    public virtual async ValueTask<SecretRotationWindow> GetRotationWindowAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var current = await GetSecretAsync(reference, cancellationToken).ConfigureAwait(false);
        var (route, key) = _router.Resolve(reference, this);
        if (_previousRefused.ContainsKey(key.WithoutVersion()))
        {
            return new SecretRotationWindow(current, null);
        }

        var whole = reference.Field is null ? current.Properties : (_index.TryGet(key, out var entry) ? entry.Secret?.Properties : null) ?? current.Properties;
        SecretReference? previousKey;
        try
        {
            previousKey = await route.CallAsync(static (provider, state, ct) => provider.GetPreviousVersionReferenceAsync(state.key, state.whole, ct), (key, whole), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw SecretResiliencePipelines.ToSecretError(ex, route.Name, key.Path);
        }

        if (previousKey is null)
        {
            return new SecretRotationWindow(current, null);
        }

        // Only the version or stage comes from the provider: the field and the environment scoping stay the caller's.
        var previousReference = reference.WithVersion(previousKey.Version, previousKey.Stage);
        try
        {
            return new SecretRotationWindow(current, await GetSecretAsync(previousReference, cancellationToken).ConfigureAwait(false));
        }
        catch (SecretNotFoundException)
        {
            // Never rotated, or the previous version was deleted or disabled at the backend.
            return new SecretRotationWindow(current, null);
        }
    }

    /// <summary>
    /// Switches the previous version of a secret off (after a leak: the old value must stop being accepted at once) or
    /// back on. Switching off also drops every cached version-pinned or stage-pinned value of the secret.
    /// </summary>
    /// <param name="reference">The secret.</param>
    /// <param name="accepted">Whether <see cref="GetRotationWindowAsync"/> may return the previous version.</param>
    public virtual void SetPreviousVersionAccepted(SecretReference reference, bool accepted)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var (_, key) = _router.Resolve(reference, this);
        key = key.WithoutVersion();
        if (accepted)
        {
            _previousRefused.TryRemove(key, out _);
            return;
        }

        _previousRefused[key] = true;
        foreach (var (held, entry) in _index.Entries)
        {
            if ((held.Version is not null || held.Stage is not null) && string.Equals(held.Provider, key.Provider, StringComparison.Ordinal) && string.Equals(held.Path, key.Path, StringComparison.Ordinal))
            {
                _fetcher.Detach(held);
                _index.TryRemove(held, entry, "previous version refused");
            }
        }
    }
}
