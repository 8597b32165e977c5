using Microsoft.Extensions.Primitives;

namespace Secrets.Client;

/// <summary>
/// Reads secrets from any configured secret manager. Inject it; register it with <c>services.AddSecretStore(...)</c>.
/// </summary>
/// <remarks>
/// Secrets returned are owned by the store and shared between callers: read them through
/// <see cref="Secret.Value"/> (a lease or a callback) and ask again rather than keeping them.
/// All members are thread-safe.
/// </remarks>
public interface ISecretStore
{
    /// <summary>Gets a secret (or one field of a JSON secret, with <c>#field</c>).</summary>
    /// <param name="reference">The secret; a reference without a provider goes to the default provider.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret, owned by the store.</returns>
    /// <exception cref="SecretNotFoundException">No such secret or version.</exception>
    /// <exception cref="SecretAccessDeniedException">The identity or the environment scope forbids it.</exception>
    /// <exception cref="SecretUnavailableException">The provider is out of reach and no last good value may be served.</exception>
    /// <exception cref="InvalidSecretReferenceException">The reference names no registered provider, or is malformed for it.</exception>
    ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default);

    /// <summary>Gets several secrets with as few backend calls as possible and bounded concurrency.</summary>
    /// <param name="references">The secrets.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One result per reference, in order; each holds the secret or that secret's error.</returns>
    ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default);

    /// <summary>Gets a secret's metadata only (no value), for cheap change checks.</summary>
    /// <param name="reference">The secret.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret's current metadata.</returns>
    ValueTask<SecretProperties> GetSecretPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default);

    /// <summary>Lists the secrets of one provider whose names start with a prefix.</summary>
    /// <param name="provider">The provider name, or <see langword="null"/> for the default provider.</param>
    /// <param name="prefix">The name prefix, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The secrets' metadata.</returns>
    IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? provider, string? prefix = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a change notification from a listener: the held secret gets a version check (after a random delay up to
    /// <see cref="SecretStoreOptions.ChangeNotificationMaxDelay"/>) and a fetch only if the version moved, or the fetch
    /// alone when the notification names a version other than the held one. A notification never carries a value. Stores that do not cache ignore it (the default answers <see cref="SecretChangeNotificationOutcome.NotHeld"/>).
    /// </summary>
    /// <param name="notification">What the listener learned.</param>
    /// <param name="cancellationToken">Cancels handing the notification over.</param>
    /// <returns>What the store did with it.</returns>
    ValueTask<SecretChangeNotificationOutcome> ProcessChangeNotificationAsync(SecretChangeNotification notification, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SecretChangeNotificationOutcome.NotHeld);

    /// <summary>
    /// Gets a token fired at the next change of a secret: a new value, a removal at the backend, a write, rotation or
    /// invalidation through the store. Configuration, typed handles and caches follow secrets through it, so a
    /// decorator must forward it. The default (for stores that cannot tell) never fires.
    /// </summary>
    /// <param name="reference">The secret.</param>
    /// <returns>A single-use token; ask again after it fired.</returns>
    IChangeToken GetChangeToken(SecretReference reference) => NeverChangeToken.Instance;

    /// <summary>Checks every held or watched secret whose refresh time has come; the default does nothing.</summary>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>The number of secrets that changed.</returns>
    ValueTask<int> RefreshAsync(CancellationToken cancellationToken = default) => new(0);

    /// <summary>
    /// Tells whether the store can route a reference (it names a registered provider, or none while a default exists);
    /// configuration resolves only such references. The default accepts any reference that names a provider.
    /// </summary>
    /// <param name="reference">The reference.</param>
    /// <returns><see langword="true"/> when the store can route it.</returns>
    bool CanResolve(SecretReference reference) => reference?.Provider is not null;
}
