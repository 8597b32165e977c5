using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace Secrets.Client;

/// <summary>
/// The caching <see cref="ISecretStore"/>: a thin front over its parts. <see cref="SecretRouter"/> routes references
/// and enforces environment scoping; <see cref="SecretCacheIndex"/> holds entries; <see cref="SecretReader"/> decides
/// what a read is served (fresh, refresh-ahead, stale, gone); <see cref="SecretFetcher"/> is the one fetch path for one
/// or many references (single-flight, version check, batches) and <see cref="FetchLanding"/> where every fetch ends
/// (version order, removal of deleted or revoked secrets, stale-if-error); <see cref="SecretRefresher"/> refreshes due
/// secrets; <see cref="ProviderOperations"/> carries metadata, listings, writes, rotations and provider-specific calls;
/// <see cref="StoreAuditor"/> audits. See <c>docs/caching.md</c> for what is served when.
/// </summary>
public partial class SecretStore : ISecretStore, IAsyncDisposable, IDisposable
{
    private readonly SecretStoreOptions _options;
    private readonly StoreClock _clock;
    private readonly ILogger _logger;
    private readonly SecretStoreDiagnostics _diagnostics;
    private readonly SecretRouter _router;
    private readonly SecretCacheIndex _index;
    private readonly SecretFetcher _fetcher;
    private readonly SecretReader _reader;
    private readonly SecretRefresher _refresher;
    private readonly ProviderOperations _operations;
    private readonly SecretChangeTracker _changes;
    private readonly SecretRefreshDriver _driver;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="SecretStore"/> class with default options.</summary>
    /// <param name="providers">The providers to route references to.</param>
    public SecretStore(IEnumerable<SecretProvider> providers)
        : this(providers, new SecretStoreOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretStore"/> class.</summary>
    /// <param name="providers">The providers to route references to; the store disposes them.</param>
    /// <param name="options">Caching, refresh and environment options; validated and copied now.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Logging; nothing is logged when null.</param>
    /// <param name="auditSink">Where audit records go; a <see cref="LoggerSecretAuditSink"/> over <paramref name="loggerFactory"/> when null.</param>
    /// <param name="meterFactory">Creates the store's meter; a standalone meter when null.</param>
    /// <exception cref="ArgumentException">Two providers share a name, or the default provider is unknown.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range.</exception>
    public SecretStore(
        IEnumerable<SecretProvider> providers,
        SecretStoreOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        ISecretAuditSink? auditSink = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        var time = timeProvider ?? TimeProvider.System;
        _clock = new StoreClock(time);
        loggerFactory ??= NullLoggerFactory.Instance;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SecretStore>();
        _diagnostics = new SecretStoreDiagnostics(meterFactory);
        var environment = _options.ResolveEnvironment();
        var audit = new StoreAuditor(auditSink ?? new LoggerSecretAuditSink(loggerFactory), time, environment, _logger);
        _router = new SecretRouter(providers, _options, environment, time, audit, _logger);
        _index = new SecretCacheIndex(_options.MaxCachedSecrets, _options.EvictionGracePeriod, _clock, _logger);
        _changes = new SecretChangeTracker(OnSecretChanged);
        var landing = new FetchLanding(_index, _clock, _options, audit, _logger, _diagnostics, _changes);
        _fetcher = new SecretFetcher(landing, _diagnostics, _clock, _options.MaxConcurrency);
        _reader = new SecretReader(this, _router, _index, _fetcher, audit, _diagnostics, _clock, _options);
        _refresher = new SecretRefresher(_router, _index, _fetcher, _changes, audit, _clock, _options);
        _driver = new SecretRefreshDriver(_refresher.RefreshAsync, time, _options.BackgroundRefreshInterval, _logger);
        _operations = new ProviderOperations(_router, audit, _logger);
        _notifications = CreateNotificationProcessor(audit);
    }

    /// <summary>Initializes a new instance of the <see cref="SecretStore"/> class for mocking: no providers.</summary>
    protected SecretStore()
        : this([], new SecretStoreOptions())
    {
    }

    /// <summary>
    /// Raised once per change of a secret the store holds or watches, whatever the way: a refresh, a version check of a
    /// watched secret or a push notification found a new value (<see cref="SecretChangeKind.Updated"/>), the provider
    /// said it no longer exists or may not be read (<see cref="SecretChangeKind.Removed"/>; the value is no longer
    /// served and is wiped), or it was written, rotated or invalidated through this store. Eviction from the cache is
    /// not a change. Per secret, <see cref="GetChangeToken"/> fires first.
    /// </summary>
    public event EventHandler<SecretChangedEventArgs>? SecretChanged;

    /// <summary>Gets a copy of the options the store validated and runs with; changing it has no effect.</summary>
    public SecretStoreOptions Options => _options.Clone();

    /// <summary>Gets the environment the store enforces scoping for.</summary>
    public string Environment => _router.Environment;

    /// <summary>Gets the registered providers.</summary>
    public IReadOnlyCollection<SecretProvider> Providers => _router.Routes.Select(route => route.Provider).ToArray();

    /// <summary>Gets the number of secrets currently cached.</summary>
    public int CachedCount => _index.Entries.Count(pair => pair.Value.Secret is not null);

    /// <summary>Gets the number of cached secrets being served past their expiry because refreshing them failed.</summary>
    public int StaleCount
    {
        get
        {
            var now = _clock.NowTicks();
            return _index.Entries.Count(pair => pair.Value.Secret is not null && pair.Value.IsFailing && now >= pair.Value.ExpiresAtTicks && now < pair.Value.ServeUntilTicks);
        }
    }

    /// <summary>Gets the number of cached secrets whose last refresh failed (served, possibly soon stale).</summary>
    public int FailingRefreshCount => _index.Entries.Count(pair => pair.Value.Secret is not null && pair.Value.IsFailing);

    /// <summary>Gets the number of secrets watched through change tokens (held in the cache or not).</summary>
    public int WatchedCount => _changes.WatchedCount;

    /// <summary>Tells whether a reference names a registered provider (or no provider while a default exists).</summary>
    /// <param name="reference">The reference.</param>
    /// <returns><see langword="true"/> when the store can route it.</returns>
    public bool CanResolve(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return _router.CanResolve(reference);
    }

    /// <inheritdoc/>
    public virtual ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _reader.ReadAsync(reference, cancellationToken);
    }

    /// <inheritdoc/>
    public virtual ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _reader.ReadManyAsync(references, cancellationToken);
    }

    /// <inheritdoc/>
    public virtual ValueTask<SecretProperties> GetSecretPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _operations.GetPropertiesAsync(reference, cancellationToken);
    }

    /// <inheritdoc/>
    public virtual IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? provider, string? prefix = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _operations.ListAsync(provider, prefix, cancellationToken);
    }

    /// <summary>Writes a new version of a secret through its provider (once: a timed-out write may have landed) and drops the cached value.</summary>
    /// <param name="reference">The secret to write (its provider and path).</param>
    /// <param name="value">The new value; the caller keeps ownership.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new version's metadata.</returns>
    public virtual async ValueTask<SecretProperties> SetSecretAsync(SecretReference reference, SecretValue value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(value);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var properties = await _operations.SetAsync(reference, value, cancellationToken).ConfigureAwait(false);
        // No baseline: some backends describe a written version differently from a read one; the re-read sets it.
        Changed(reference, SecretChangeKind.Written, properties, baseline: null);
        return properties;
    }

    /// <summary>Asks the secret's provider to rotate it now (for example after a leak) and drops the cached value.</summary>
    /// <param name="reference">The secret to rotate.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The metadata the provider returned.</returns>
    public virtual async ValueTask<SecretProperties> RotateSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var properties = await _operations.RotateAsync(reference, cancellationToken).ConfigureAwait(false);

        // A backend may finish a rotation later (AWS runs a Lambda): no baseline, so the next check that sees a new version raises it.
        Changed(reference, SecretChangeKind.Rotated, properties, baseline: null);
        return properties;
    }

    /// <summary>
    /// Runs a provider-specific operation (for example an adapter's own listing or rotation-window lookup) the way the
    /// store runs its own: routed and scope-checked, through the provider's resilience pipeline, with errors mapped to
    /// the SDK's types and an audit record. Adapters expose their extra operations as extension methods over this.
    /// </summary>
    /// <typeparam name="TProvider">The provider type the operation needs.</typeparam>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="reference">The secret the operation is about; it picks the provider.</param>
    /// <param name="kind">What to record in the audit trail.</param>
    /// <param name="operation">The operation, given the provider, the reference as the provider sees it, and a cancellation token.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="InvalidSecretReferenceException">The reference's provider is not a <typeparamref name="TProvider"/>.</exception>
    public virtual ValueTask<TResult> InvokeProviderAsync<TProvider, TResult>(SecretReference reference, SecretAccessKind kind, Func<TProvider, SecretReference, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
        where TProvider : SecretProvider
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(operation);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _operations.InvokeAsync(reference, kind, operation, cancellationToken);
    }

    /// <summary>
    /// Drops a cached secret (and a cached not-found) and raises <see cref="SecretChangeKind.Invalidated"/>, so that
    /// holders read it again; the next read fetches it. Its value is wiped after the grace period. A watched secret
    /// stays watched.
    /// </summary>
    /// <param name="reference">The secret.</param>
    public virtual void Invalidate(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Changed(reference, SecretChangeKind.Invalidated, properties: null, baseline: null);
    }

    /// <summary>
    /// Gets a token fired at the next change of a secret (see <see cref="SecretChanged"/>), and watches the secret from
    /// now on: it is checked every refresh interval even when its value is not cached, and the background refresh runs.
    /// </summary>
    /// <param name="reference">The secret (a field reference watches the whole secret).</param>
    /// <returns>A single-use token; ask again after it fired.</returns>
    /// <exception cref="InvalidSecretReferenceException">The reference names no registered provider.</exception>
    public virtual IChangeToken GetChangeToken(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var (route, key) = _router.Resolve(reference, this);
        var held = _index.TryGet(key, out var entry) ? entry.Secret?.Properties : null;
        var interval = (long)((route.Provider.Options.CacheDuration ?? _options.CacheDuration).Ticks * _options.RefreshAheadRatio);
        var token = _changes.GetToken(key, held, _clock.NowTicks() + interval);
        _driver.EnsureStarted();
        return token;
    }

    /// <summary>
    /// Makes every watched secret of that backend name due for a version check at the next refresh tick, whether its
    /// value is held or not (for push notifications about a secret that was evicted); returns how many.
    /// </summary>
    internal int MarkWatchedDue(string provider, string secretName)
    {
        var now = _clock.NowTicks();
        var marked = 0;
        foreach (var (key, _) in _changes.Watched)
        {
            if (string.Equals(key.Provider, provider, StringComparison.Ordinal) && string.Equals(key.Path, secretName, StringComparison.Ordinal))
            {
                _changes.MarkDue(key, now);
                marked++;
            }
        }

        return marked;
    }

    /// <summary>Gets the logging the store was built with, which configuration over it uses when given none of its own.</summary>
    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the watched secrets (whole secrets), for the health check's default probe.</summary>
    internal SecretReference[] WatchedReferences() => _changes.Watched.Select(pair => pair.Key).ToArray();

    /// <summary>Starts the store's one periodic refresh (idempotent); the hosted service and change tokens call it.</summary>
    internal void EnsureBackgroundRefresh() => _driver.EnsureStarted();

    /// <summary>
    /// Refreshes every cached secret whose refresh time has come, even if nobody reads it, so that rotation and removal
    /// are noticed (the background service and the configuration provider call this periodically). Secrets already being
    /// refreshed are left to that refresh.
    /// </summary>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>The number of secrets that changed (new value or removed).</returns>
    public virtual ValueTask<int> RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _refresher.RefreshAsync(cancellationToken);
    }

    /// <summary>Wipes every cached value and disposes the providers.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DisposeParts();
        foreach (var route in _router.Routes)
        {
            await route.Provider.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Wipes every cached value. Prefer <see cref="DisposeAsync"/>, which also disposes the providers.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"SecretStore({string.Join(", ", _router.Names)}; environment {Environment}; {CachedCount} cached)";

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            DisposeParts();
        }
    }

    private void DisposeParts()
    {
        _notifications.Dispose();
        _driver.Dispose();
        _fetcher.Dispose();
        _index.Dispose();
        _diagnostics.Dispose();
    }

    /// <summary>A change made through this store: drop the cached value silently, reset the baseline, raise the change once.</summary>
    private void Changed(SecretReference reference, SecretChangeKind kind, SecretProperties? properties, string? baseline)
    {
        var provider = reference.Provider ?? (_router.CanResolve(reference) ? _router.RouteProvider(null, reference.Path).Name : null);
        if (provider is null)
        {
            return;
        }

        var key = reference.GetCacheKey(provider);
        _fetcher.Detach(key);
        SecretProperties? last = null;
        if (_index.TryGet(key, out var held))
        {
            last = held.Secret?.Properties;
            _index.TryRemove(key, held, kind switch { SecretChangeKind.Written => "written", SecretChangeKind.Rotated => "rotated", _ => "invalidated" });
        }

        _changes.Rebase(key, baseline, _clock.NowTicks());
        _changes.Raise(new SecretChangedEventArgs(key, properties ?? last ?? new SecretProperties(provider, key.Path), kind, null));
    }

    private void OnSecretChanged(SecretChangedEventArgs args)
    {
        try
        {
            SecretChanged?.Invoke(this, args);
        }
#pragma warning disable CA1031 // A subscriber's failure must not break refresh for everyone else.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ChangeHandlerFailed(_logger, args.Reference.Provider!, args.Reference.Path, ex);
        }
    }
}
