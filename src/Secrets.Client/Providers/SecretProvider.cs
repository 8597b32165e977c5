using System.Runtime.CompilerServices;

namespace Secrets.Client;

/// <summary>
/// The contract every backend adapter implements (AWS Secrets Manager, Azure Key Vault, environment variables...).
/// Applications use <see cref="ISecretStore"/>; the store calls providers through its cache, resilience pipeline,
/// audit and environment scoping.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe, must never put a secret value into an exception message, log or trace,
/// and should map backend errors onto <see cref="SecretNotFoundException"/>, <see cref="SecretAccessDeniedException"/>,
/// <see cref="SecretUnavailableException"/> (transient; the store retries it), <see cref="SecretIntegrityException"/>
/// and <see cref="InvalidSecretReferenceException"/>.
/// </remarks>
public abstract class SecretProvider : IAsyncDisposable
{
    /// <summary>Initializes a new instance of the <see cref="SecretProvider"/> class, for mocking.</summary>
    protected SecretProvider()
        : this("mock", new SecretProviderOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretProvider"/> class.</summary>
    /// <param name="name">The name references use as their scheme (for example <c>aws-sm</c>).</param>
    /// <param name="options">Resilience, caching and scoping options for this provider.</param>
    protected SecretProvider(string name, SecretProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!SecretReference.TryGetProvider(name + "://x", out var normalized))
        {
            throw new ArgumentException($"Provider name '{name}' must start with a letter and use only letters, digits, '-', '+' or '.'.", nameof(name));
        }

        Name = normalized;
        Options = options;
    }

    /// <summary>Gets the provider's name, the scheme of references it serves.</summary>
    public string Name { get; }

    /// <summary>Gets the provider's options.</summary>
    public SecretProviderOptions Options { get; }

    /// <summary>
    /// Gets a description of the identity this provider authenticates as (for example a role ARN or a managed identity's
    /// client id), recorded in audit records; <see langword="null"/> until known.
    /// </summary>
    public virtual string? Identity => null;

    /// <summary>
    /// Resolves the identity the provider authenticates as without reading a secret (for example with AWS STS
    /// <c>GetCallerIdentity</c>, or from the claims of an access token), so that production-identity scoping
    /// (<see cref="SecretProviderOptions.ProductionIdentities"/>) can refuse before the first secret request.
    /// The default returns <see cref="Identity"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The identity, or <see langword="null"/> when it cannot be known before a request.</returns>
    public virtual ValueTask<string?> ResolveIdentityAsync(CancellationToken cancellationToken = default) => new(Identity);

    /// <summary>Gets how many secrets <see cref="GetSecretsAsync"/> fetches per backend call; 1 when the backend has no batch API.</summary>
    public virtual int MaxBatchSize => 1;

    /// <summary>Gets a value indicating whether <see cref="ListSecretsAsync"/> is supported.</summary>
    public virtual bool SupportsListing => false;

    /// <summary>Fetches a secret's value and metadata. The caller owns the returned secret.</summary>
    /// <param name="reference">The secret to fetch; its <see cref="SecretReference.Field"/> is ignored.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The secret.</returns>
    public abstract ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches a secret's metadata only, as cheaply as the backend allows; used to check for a new version before
    /// fetching the value again.
    /// </summary>
    /// <param name="reference">The secret to describe.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret's current metadata.</returns>
    public abstract ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches several secrets, in as few backend calls as the backend allows. The default fetches them one by one.
    /// Every reference gets one result, in order: a secret or the error for that secret.
    /// </summary>
    /// <param name="references">The secrets to fetch; at most <see cref="MaxBatchSize"/> per call is efficient, more is allowed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per reference, in the same order.</returns>
    public virtual ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default) =>
        GetSecretsConcurrentlyAsync(references, maxConcurrency: 1, cancellationToken);

    /// <summary>
    /// Fetches several secrets with one <see cref="GetSecretAsync"/> call each, at most <paramref name="maxConcurrency"/>
    /// at once: the batch implementation for backends without a batch API. Every reference gets one result, in order;
    /// on cancellation the secrets already fetched are disposed.
    /// </summary>
    /// <param name="references">The secrets to fetch.</param>
    /// <param name="maxConcurrency">The most calls in flight.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per reference, in the same order.</returns>
    protected async ValueTask<IReadOnlyList<SecretResult>> GetSecretsConcurrentlyAsync(IReadOnlyList<SecretReference> references, int maxConcurrency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        var results = new SecretResult?[references.Count];
        try
        {
            await Parallel.ForAsync(0, references.Count, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken }, async (index, ct) =>
            {
                try
                {
                    results[index] = SecretResult.Success(references[index], await GetSecretAsync(references[index], ct).ConfigureAwait(false));
                }
                catch (SecretStoreException ex)
                {
                    results[index] = SecretResult.Failure(references[index], ex);
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var result in results)
            {
                result?.Secret?.Dispose();
            }

            throw;
        }

        return results!;
    }

    /// <summary>Lists the secrets whose names start with <paramref name="prefix"/>, following the backend's paging.</summary>
    /// <param name="prefix">A name prefix, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The secrets' metadata.</returns>
    /// <exception cref="NotSupportedException">The backend cannot list (see <see cref="SupportsListing"/>).</exception>
    public virtual IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Provider '{Name}' cannot list secrets.");

    /// <summary>Stores a new version of a secret (creating the secret if the backend allows) and returns its metadata.</summary>
    /// <param name="name">The secret's name or path.</param>
    /// <param name="value">The new value; the caller keeps ownership.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version's metadata.</returns>
    /// <exception cref="NotSupportedException">The backend is read-only.</exception>
    public virtual ValueTask<SecretProperties> SetSecretAsync(string name, SecretValue value, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Provider '{Name}' is read-only.");

    /// <summary>Asks the backend to rotate a secret now (for example after a leak) and returns the new version's metadata.</summary>
    /// <param name="reference">The secret to rotate.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metadata after rotation started.</returns>
    /// <exception cref="NotSupportedException">The backend cannot rotate.</exception>
    public virtual ValueTask<SecretProperties> RotateSecretAsync(SecretReference reference, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Provider '{Name}' cannot rotate secrets.");

    /// <summary>Gets a value indicating whether <see cref="DisableSecretVersionAsync"/> is supported.</summary>
    public virtual bool SupportsVersionDisabling => false;

    /// <summary>
    /// Stops the backend serving one version of a secret (for example the leaked one, after a rotation), as the backend
    /// allows: AWS Secrets Manager removes every staging label from it (and refuses the <c>AWSCURRENT</c> version),
    /// Azure Key Vault disables it, GCP Secret Manager disables it, Vault KV v2 deletes it (soft: <c>vault kv undelete</c>
    /// brings it back; destroy it yourself once nothing needs it). Disabling a version that is already disabled succeeds,
    /// so the call may be retried. Apps call <see cref="SecretStore.DisableSecretVersionAsync"/>, which the store scopes,
    /// audits and drops from its cache.
    /// </summary>
    /// <param name="reference">The secret, pinned to the version to disable (<see cref="SecretReference.Version"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the backend no longer serves the version.</returns>
    /// <exception cref="NotSupportedException">The backend keeps no versions, or cannot disable one (see <see cref="SupportsVersionDisabling"/>).</exception>
    /// <exception cref="InvalidSecretReferenceException">The reference names no version.</exception>
    /// <exception cref="SecretVersionInUseException">The backend cannot stop serving this version without a newer one taking its place (AWS <c>AWSCURRENT</c>): rotate first.</exception>
    /// <exception cref="SecretNotFoundException">The secret or the version does not exist.</exception>
    public virtual ValueTask DisableSecretVersionAsync(SecretReference reference, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"Provider '{Name}' cannot disable secret versions.");

    /// <summary>Gets the version a <see cref="DisableSecretVersionAsync"/> reference names, or throws the typed error when it names none.</summary>
    /// <param name="reference">The reference.</param>
    /// <returns>The version.</returns>
    /// <exception cref="InvalidSecretReferenceException">The reference names no version.</exception>
    protected string RequireVersion(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.Version is { Length: > 0 } version
            ? version
            : throw new InvalidSecretReferenceException(reference.ToString(), "disabling needs the version to disable (?version=V).", Name);
    }

    /// <summary>
    /// Gets the reference to the version before <paramref name="current"/>, for the store's rotation window
    /// (<see cref="SecretStore.GetRotationWindowAsync"/>); <see langword="null"/> (the default) when the backend keeps no
    /// previous version. Backends with a previous stage return it (AWS <c>AWSPREVIOUS</c>); backends with numbered
    /// versions return <see cref="PreviousNumberedVersion"/>; others look it up (Azure lists versions).
    /// </summary>
    /// <param name="reference">The secret (no field).</param>
    /// <param name="current">The current version's metadata.</param>
    /// <param name="cancellationToken">Cancels a lookup (a backend without numbered versions may have to list them).</param>
    /// <returns>The previous version's reference, or null.</returns>
    public virtual ValueTask<SecretReference?> GetPreviousVersionReferenceAsync(SecretReference reference, SecretProperties current, CancellationToken cancellationToken = default) =>
        new((SecretReference?)null);

    /// <summary>The previous version of a backend that numbers versions 1, 2, 3...: version n-1, or null for version 1 or a non-numeric version.</summary>
    /// <param name="reference">The secret.</param>
    /// <param name="current">The current version's metadata.</param>
    /// <returns>The reference to version n-1, or null.</returns>
    protected static SecretReference? PreviousNumberedVersion(SecretReference reference, SecretProperties current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var version = current.Version;
        var slash = version?.LastIndexOf('/') ?? -1;
        return long.TryParse(slash >= 0 ? version.AsSpan(slash + 1) : version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 1
            ? new SecretReference(reference.Provider, reference.Path, (number - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Releases the provider's connections.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Override to release resources.</summary>
    /// <returns>A task that completes when done.</returns>
    protected virtual ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;

    /// <summary>Returns the provider's kind and name, for diagnostics.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"{GetType().Name}({Name})";

    /// <summary>Wraps an enumeration so derived classes can return an empty listing easily.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>No items.</returns>
    protected static async IAsyncEnumerable<SecretProperties> EmptyListing([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        yield break;
    }
}
