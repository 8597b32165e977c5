using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Secrets.Client;

/// <summary>
/// The caching <see cref="ISecretStore"/>: routes references to providers, serves cached values without allocating,
/// refreshes ahead of expiry with jitter, collapses concurrent misses into one provider call, keeps serving the last
/// good value when a provider fails (within <see cref="SecretStoreOptions.MaxStaleness"/>), bounds and wipes its cache,
/// retries transient failures, enforces environment scoping before any request, and audits every access.
/// </summary>
public partial class SecretStore : ISecretStore, IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, ProviderSlot> _providers = new(StringComparer.Ordinal); // names are lower case
    private readonly ProviderSlot? _defaultProvider;
    private readonly SecretStoreOptions _options;
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<SecretReference, CacheEntry> _entries = new();
    private readonly ConcurrentDictionary<SecretReference, Task<CacheEntry>> _inflight = new();
    private readonly ConcurrentDictionary<CacheEntry, ITimer> _pendingWipes = new();
    private readonly TimeProvider _time;
    private readonly ISecretAuditSink _audit;
    private readonly ILogger _logger;
    private readonly SecretStoreDiagnostics _diagnostics;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _bulkGate;
    private readonly string _environment;
    private readonly string _user;
    private readonly string _host;
    private readonly string _process;
    private readonly bool _monotonicClock;
    private readonly long _clockOriginUtcTicks;
    private readonly long _clockOriginTickCount;
    private int _indexed;
    private int _unlockedMemoryReported;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="SecretStore"/> class with default options.</summary>
    /// <param name="providers">The providers to route references to.</param>
    public SecretStore(IEnumerable<SecretProvider> providers)
        : this(providers, new SecretStoreOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretStore"/> class.</summary>
    /// <param name="providers">The providers to route references to; the store disposes them.</param>
    /// <param name="options">Caching, refresh and environment options; validated now.</param>
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
        _options = options;
        _bulkGate = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _time = timeProvider ?? TimeProvider.System;
        _monotonicClock = ReferenceEquals(_time, TimeProvider.System);
        _clockOriginUtcTicks = _time.GetUtcNow().UtcTicks;
        _clockOriginTickCount = System.Environment.TickCount64;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<SecretStore>();
        _audit = auditSink ?? new LoggerSecretAuditSink(loggerFactory);
        _diagnostics = new SecretStoreDiagnostics(meterFactory);
        _environment = options.ResolveEnvironment();
        _user = System.Environment.UserName;
        _host = System.Environment.MachineName;
        using (var current = System.Diagnostics.Process.GetCurrentProcess())
        {
            _process = $"{current.ProcessName}[{System.Environment.ProcessId}]";
        }

        foreach (var provider in providers)
        {
            ArgumentNullException.ThrowIfNull(provider);
            var slot = new ProviderSlot(provider, SecretResiliencePipelines.Create(provider, _time, options.Randomizer), IsAllowed(provider.Options.AllowedEnvironments, _environment));
            if (!_providers.TryAdd(provider.Name, slot))
            {
                throw new ArgumentException($"Two providers are named '{provider.Name}'; give one a different name.", nameof(providers));
            }
        }

        if (options.DefaultProvider is { } defaultName)
        {
            _defaultProvider = _providers.TryGetValue(defaultName.ToLowerInvariant(), out var slot)
                ? slot
                : throw new ArgumentException($"The default provider '{defaultName}' is not registered (registered: {string.Join(", ", _providers.Keys)}).", nameof(options));
        }
        else if (_providers.Count == 1)
        {
            _defaultProvider = _providers.Values.First();
        }

        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.MaxCachedSecrets,
            Clock = _monotonicClock ? null : new TimeProviderClock(_time), // null: MemoryCache's own, cheaper, system clock
            ExpirationScanFrequency = TimeSpan.FromMinutes(1),
        });
    }

    /// <summary>Initializes a new instance of the <see cref="SecretStore"/> class for mocking.</summary>
    protected SecretStore()
    {
        _options = new SecretStoreOptions();
        _bulkGate = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        _cache = new MemoryCache(new MemoryCacheOptions());
        _time = TimeProvider.System;
        _audit = new LoggerSecretAuditSink(NullLoggerFactory.Instance);
        _logger = NullLogger.Instance;
        _diagnostics = new SecretStoreDiagnostics(null);
        _environment = _user = _host = _process = string.Empty;
    }

    /// <summary>Raised when a refresh finds that a cached secret's value changed (it was rotated).</summary>
    public event EventHandler<SecretChangedEventArgs>? SecretChanged;

    /// <summary>Gets the store's options (validated; treat as read-only once the store is built).</summary>
    public SecretStoreOptions Options => _options;

    /// <summary>Gets the environment the store enforces scoping for.</summary>
    public string Environment => _environment;

    /// <summary>Gets the registered providers.</summary>
    public IReadOnlyCollection<SecretProvider> Providers => _providers.Values.Select(slot => slot.Provider).ToArray();

    /// <summary>Gets the number of secrets currently cached.</summary>
    public int CachedCount => _entries.Count(pair => pair.Value.Secret is not null);

    /// <summary>Gets the number of cached secrets being served past their expiry because refreshing them failed.</summary>
    public int StaleCount
    {
        get
        {
            var now = Now();
            return _entries.Count(pair => pair.Value.Secret is not null && pair.Value.LastRefreshFailed && now >= pair.Value.ExpiresAt);
        }
    }

    /// <summary>Gets the number of cached secrets whose last refresh failed (served, possibly soon stale).</summary>
    public int FailingRefreshCount => _entries.Count(pair => pair.Value.Secret is not null && pair.Value.LastRefreshFailed);

    /// <summary>Tells whether a reference names a registered provider (or no provider while a default exists).</summary>
    /// <param name="reference">The reference.</param>
    /// <returns><see langword="true"/> when the store can route it.</returns>
    public bool CanResolve(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.Provider is null ? _defaultProvider is not null : _providers.ContainsKey(reference.Provider);
    }

    /// <inheritdoc/>
    public virtual ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ProviderSlot slot;
        SecretReference key;
        if (reference.Route is RouteEntry route && ReferenceEquals(route.Store, this))
        {
            (slot, key) = (route.Slot, route.Key);
        }
        else
        {
            slot = Route(reference, SecretAccessKind.CacheHit);
            key = reference.GetCacheKey(slot.Provider.Name);
            reference.Route = new RouteEntry(this, slot, key);
        }

        // MemoryCache holds an entry only until its refresh time, so a hit is fresh: no clock read here.
        if (_cache.TryGetValue(key, out var cached))
        {
            if (cached is CacheEntry { Secret: not null } entry)
            {
                return new ValueTask<Secret>(Serve(slot, reference, entry, SecretAccessKind.CacheHit, SecretAuditOutcome.Success));
            }

            if (cached is CacheEntry { NotFound: { } notFound })
            {
                AuditFailure(slot, reference, SecretAccessKind.CacheHit, notFound);
                return ValueTask.FromException<Secret>(notFound);
            }
        }

        return GetUncachedAsync(slot, key, reference, cancellationToken);
    }

    /// <inheritdoc/>
    public virtual async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        var results = new SecretResult?[references.Count];
        var misses = new Dictionary<ProviderSlot, List<int>>();
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i] ?? throw new ArgumentException("A reference is null.", nameof(references));
            try
            {
                var slot = Route(reference, SecretAccessKind.Fetch);
                var key = reference.GetCacheKey(slot.Provider.Name);
                if (_cache.TryGetValue(key, out var cached) && cached is CacheEntry { Secret: not null } entry)
                {
                    results[i] = SecretResult.Success(reference, Serve(slot, reference, entry, SecretAccessKind.CacheHit, SecretAuditOutcome.Success));
                    continue;
                }

                if (TryServeHeld(slot, key, reference, out var held))
                {
                    results[i] = SecretResult.Success(reference, held);
                    continue;
                }

                if (!misses.TryGetValue(slot, out var indexes))
                {
                    misses[slot] = indexes = [];
                }

                indexes.Add(i);
            }
            catch (SecretStoreException ex)
            {
                results[i] = SecretResult.Failure(reference, ex);
            }
        }

        // One work item per provider batch (or per secret when a provider has no batch API), run with bounded concurrency.
        var work = new List<(ProviderSlot Slot, int[] Indexes)>();
        foreach (var (slot, indexes) in misses)
        {
            var size = Math.Max(1, slot.Provider.MaxBatchSize);
            work.AddRange(indexes.Chunk(size).Select(chunk => (slot, chunk)));
        }

        // The bound is store-wide: concurrent bulk loads (a configuration reload beside a prefix load) share it.
        await Task.WhenAll(work.Select(item => RunBulkItemAsync(item.Slot, item.Indexes))).ConfigureAwait(false);
        return results!;

        async Task RunBulkItemAsync(ProviderSlot slot, int[] indexes)
        {
            await _bulkGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (indexes.Length == 1)
                {
                    var reference = references[indexes[0]];
                    try
                    {
                        results[indexes[0]] = SecretResult.Success(reference, await GetSecretAsync(reference, cancellationToken).ConfigureAwait(false));
                    }
                    catch (SecretStoreException ex)
                    {
                        results[indexes[0]] = SecretResult.Failure(reference, ex);
                    }

                    return;
                }

                await FetchBatchAsync(slot, references, indexes, results, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _bulkGate.Release();
            }
        }
    }

    /// <inheritdoc/>
    public virtual async ValueTask<SecretProperties> GetSecretPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var slot = Route(reference, SecretAccessKind.Metadata);
        try
        {
            await EnsureIdentityInScopeAsync(slot, reference, SecretAccessKind.Metadata, cancellationToken).ConfigureAwait(false);
            var properties = await slot.Pipeline.ExecuteAsync(
                static (state, ct) => state.Provider.GetPropertiesAsync(state.Reference, ct),
                (slot.Provider, Reference: reference.GetCacheKey(slot.Provider.Name)),
                cancellationToken).ConfigureAwait(false);
            AuditSuccess(slot, reference, SecretAccessKind.Metadata, properties.Version);
            return properties;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = SecretResiliencePipelines.ToSecretError(ex, slot.Provider.Name, reference.Path);
            AuditFailure(slot, reference, SecretAccessKind.Metadata, error);
            throw error;
        }
    }

    /// <inheritdoc/>
    public virtual async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? provider, string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var slot = provider is null
            ? _defaultProvider ?? throw new InvalidSecretReferenceException(prefix ?? string.Empty, "no provider was named and the store has no default provider.", null)
            : _providers.TryGetValue(provider.ToLowerInvariant(), out var named) ? named : throw UnknownProvider(provider, prefix ?? string.Empty);
        var probe = new SecretReference(slot.Provider.Name, string.IsNullOrEmpty(prefix) ? "*" : prefix);
        EnsureInScope(slot, probe, SecretAccessKind.List);
        await EnsureIdentityInScopeAsync(slot, probe, SecretAccessKind.List, cancellationToken).ConfigureAwait(false);
        if (!slot.Provider.SupportsListing)
        {
            throw new NotSupportedException($"Provider '{slot.Provider.Name}' cannot list secrets.");
        }

        var count = 0;
        await foreach (var properties in slot.Provider.ListSecretsAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            count++;
            yield return properties;
        }

        AuditSuccess(slot, probe, SecretAccessKind.List, version: null);
        Log.Listed(_logger, slot.Provider.Name, prefix, count);
    }

    /// <summary>Writes a new version of a secret through its provider and drops the cached value.</summary>
    /// <param name="reference">The secret to write (its provider and path).</param>
    /// <param name="value">The new value; the caller keeps ownership.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new version's metadata.</returns>
    public virtual async ValueTask<SecretProperties> SetSecretAsync(SecretReference reference, SecretValue value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(value);
        var slot = Route(reference, SecretAccessKind.Write);
        try
        {
            // Writes are not retried: a timed-out write may have landed.
            await EnsureIdentityInScopeAsync(slot, reference, SecretAccessKind.Write, cancellationToken).ConfigureAwait(false);
            var properties = await slot.Provider.SetSecretAsync(reference.Path, value, cancellationToken).ConfigureAwait(false);
            Invalidate(reference);
            AuditSuccess(slot, reference, SecretAccessKind.Write, properties.Version);
            return properties;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = SecretResiliencePipelines.ToSecretError(ex, slot.Provider.Name, reference.Path);
            AuditFailure(slot, reference, SecretAccessKind.Write, error);
            throw error;
        }
    }

    /// <summary>Asks the secret's provider to rotate it now (for example after a leak) and drops the cached value.</summary>
    /// <param name="reference">The secret to rotate.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The metadata the provider returned.</returns>
    public virtual async ValueTask<SecretProperties> RotateSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var slot = Route(reference, SecretAccessKind.Rotate);
        try
        {
            await EnsureIdentityInScopeAsync(slot, reference, SecretAccessKind.Rotate, cancellationToken).ConfigureAwait(false);
            var properties = await slot.Provider.RotateSecretAsync(reference.GetCacheKey(slot.Provider.Name), cancellationToken).ConfigureAwait(false);
            Invalidate(reference);
            AuditSuccess(slot, reference, SecretAccessKind.Rotate, properties.Version);
            return properties;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = SecretResiliencePipelines.ToSecretError(ex, slot.Provider.Name, reference.Path);
            AuditFailure(slot, reference, SecretAccessKind.Rotate, error);
            throw error;
        }
    }

    /// <summary>Drops a cached secret (and a cached not-found); the next read fetches it again. Its value is wiped after the grace period.</summary>
    /// <param name="reference">The secret.</param>
    public virtual void Invalidate(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var provider = reference.Provider ?? _defaultProvider?.Provider.Name;
        if (provider is not null)
        {
            var key = reference.GetCacheKey(provider);
            _cache.Remove(key);
            if (_entries.TryGetValue(key, out var held) && Unindex(key, held))
            {
                ReleaseLater(held);
            }
        }
    }

    /// <summary>
    /// Refreshes every cached secret whose refresh time has come, even if nobody reads it, so that rotation is noticed
    /// (the background service and the configuration provider call this periodically).
    /// </summary>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>The number of secrets whose value changed.</returns>
    public virtual async ValueTask<int> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        var due = _entries.Where(pair => pair.Value.Secret is not null && now >= pair.Value.RefreshAt).ToArray();
        var changed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken }, async (pair, ct) =>
        {
            if (_providers.TryGetValue(pair.Key.Provider!, out var slot) && pair.Value.TryBeginRefresh()
                && await RefreshEntryAsync(slot, pair.Key, pair.Value, ct).ConfigureAwait(false))
            {
                Interlocked.Increment(ref changed);
            }
        }).ConfigureAwait(false);
        return changed;
    }

    /// <summary>Wipes every cached value and disposes the providers.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        DisposeCache();
        foreach (var slot in _providers.Values)
        {
            await slot.Provider.DisposeAsync().ConfigureAwait(false);
        }

        _lifetime.Dispose();
        _diagnostics.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Wipes every cached value. Prefer <see cref="DisposeAsync"/>, which also disposes the providers.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"SecretStore({string.Join(", ", _providers.Keys)}; environment {_environment}; {CachedCount} cached)";

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _lifetime.Cancel();
        DisposeCache();
        _lifetime.Dispose();
        _diagnostics.Dispose();
    }

    /// <summary>
    /// The store's clock for freshness decisions. With the system clock it is monotonic and costs one
    /// <see cref="System.Environment.TickCount64"/> read (millisecond resolution is plenty for cache lifetimes), which keeps
    /// a cached read close to a bare <c>MemoryCache</c> lookup; with any other <see cref="TimeProvider"/> (tests) it follows it.
    /// </summary>
    private DateTimeOffset Now() => new(NowTicks(), TimeSpan.Zero);

    private long NowTicks() => _monotonicClock
        ? _clockOriginUtcTicks + ((System.Environment.TickCount64 - _clockOriginTickCount) * TimeSpan.TicksPerMillisecond)
        : _time.GetUtcNow().UtcTicks;

    private static bool IsAllowed(ICollection<string> allowed, string environment) =>
        allowed.Count == 0 || allowed.Contains(environment, StringComparer.OrdinalIgnoreCase);

    private static InvalidSecretReferenceException UnknownProvider(string provider, string reference) =>
        new(reference, $"no provider named '{provider}' is registered.", provider);

    private void DisposeCache()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Release();
        }

        _entries.Clear();
        Volatile.Write(ref _indexed, 0);
        foreach (var (entry, timer) in _pendingWipes)
        {
            timer.Dispose();
            entry.Release();
        }

        _pendingWipes.Clear();
        _cache.Dispose();
    }

    private ProviderSlot Route(SecretReference reference, SecretAccessKind kind)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ProviderSlot? slot;
        if (reference.Provider is null)
        {
            slot = _defaultProvider ?? throw new InvalidSecretReferenceException(reference.ToString(), "it names no provider and the store has no default provider.", null);
        }
        else if (!_providers.TryGetValue(reference.Provider, out slot))
        {
            throw UnknownProvider(reference.Provider, reference.ToString());
        }

        EnsureInScope(slot, reference, kind);
        return slot;
    }

    private void EnsureInScope(ProviderSlot slot, SecretReference reference, SecretAccessKind kind)
    {
        if (!slot.AllowedHere)
        {
            throw ScopeRefusal(slot, reference, kind, slot.Provider.Options.AllowedEnvironments);
        }

        if (reference.Environments.Count > 0 && !IsAllowed((ICollection<string>)reference.Environments, _environment))
        {
            throw ScopeRefusal(slot, reference, kind, reference.Environments);
        }
    }

    private SecretEnvironmentScopeException ScopeRefusal(ProviderSlot slot, SecretReference reference, SecretAccessKind kind, IEnumerable<string> allowed)
    {
        var error = new SecretEnvironmentScopeException(slot.Provider.Name, reference.Path, _environment, allowed);
        AuditFailure(slot, reference, kind, error);
        Log.ScopeRefused(_logger, slot.Provider.Name, reference.Path, _environment);
        return error;
    }

    private Secret Serve(ProviderSlot slot, SecretReference reference, CacheEntry entry, SecretAccessKind kind, SecretAuditOutcome outcome)
    {
        Secret secret;
        try
        {
            secret = reference.Field is null ? entry.Secret! : entry.GetField(reference.Field);
        }
        catch (SecretFormatException ex)
        {
            var error = new SecretFormatException(slot.Provider.Name, reference.Path, ex.Message, ex);
            AuditFailure(slot, reference, kind, error);
            throw error;
        }

        if (_diagnostics.Reads.Enabled || _diagnostics.CacheHits.Enabled || outcome == SecretAuditOutcome.StaleServed)
        {
            CountRead(slot, kind, outcome);
        }

        if (_audit.IsEnabled(kind, outcome))
        {
            Audit(slot, reference, kind, outcome, secret.Properties.Version, errorType: null);
        }

        return secret;
    }

    private void CountRead(ProviderSlot slot, SecretAccessKind kind, SecretAuditOutcome outcome)
    {
        var tag = new KeyValuePair<string, object?>("provider", slot.Provider.Name);
        _diagnostics.Reads.Add(1, tag);
        if (kind == SecretAccessKind.CacheHit)
        {
            _diagnostics.CacheHits.Add(1, tag);
        }

        if (outcome == SecretAuditOutcome.StaleServed)
        {
            _diagnostics.StaleServes.Add(1, tag);
        }
    }

    private async ValueTask<Secret> GetUncachedAsync(ProviderSlot slot, SecretReference key, SecretReference reference, CancellationToken cancellationToken)
    {
        if (TryServeHeld(slot, key, reference, out var held))
        {
            return held;
        }

        _diagnostics.CacheMisses.Add(1, new KeyValuePair<string, object?>("provider", slot.Provider.Name));
        var entry = await GetOrFetchAsync(slot, key, cancellationToken).ConfigureAwait(false);
        if (entry.NotFound is { } notFound)
        {
            AuditFailure(slot, reference, SecretAccessKind.Fetch, notFound);
            throw notFound;
        }

        var outcome = entry.LastRefreshFailed && Now() >= entry.ExpiresAt ? SecretAuditOutcome.StaleServed : SecretAuditOutcome.Success;
        return Serve(slot, reference, entry, SecretAccessKind.Fetch, outcome);
    }

    /// <summary>
    /// Past its refresh time an entry leaves MemoryCache but stays indexed: serve it while a refresh runs
    /// (refresh-ahead), or past expiry while the provider fails and its retry is not yet due (stale-if-error).
    /// </summary>
    private bool TryServeHeld(ProviderSlot slot, SecretReference key, SecretReference reference, [NotNullWhen(true)] out Secret? secret)
    {
        secret = null;
        if (!_entries.TryGetValue(key, out var held) || held.Secret is null)
        {
            return false;
        }

        var now = NowTicks();
        if (now < held.ExpiresAtTicks)
        {
            if (now >= held.RefreshAtTicks)
            {
                StartBackgroundRefresh(slot, key, held);
            }

            secret = Serve(slot, reference, held, SecretAccessKind.CacheHit, SecretAuditOutcome.Success);
            return true;
        }

        if (held.LastRefreshFailed && now < held.RefreshAtTicks && now < held.ExpiresAtTicks + _options.MaxStaleness.Ticks)
        {
            secret = Serve(slot, reference, held, SecretAccessKind.CacheHit, SecretAuditOutcome.StaleServed);
            return true;
        }

        return false;
    }

    /// <summary>Single-flight: the first miss for a key starts the fetch; every concurrent miss awaits that same fetch.</summary>
    private Task<CacheEntry> GetOrFetchAsync(ProviderSlot slot, SecretReference key, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<CacheEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = _inflight.GetOrAdd(key, completion.Task);
        if (ReferenceEquals(flight, completion.Task))
        {
            _ = RunFetchAsync(slot, key, completion);
        }

        return flight.WaitAsync(cancellationToken);
    }

    private async Task RunFetchAsync(ProviderSlot slot, SecretReference key, TaskCompletionSource<CacheEntry> completion)
    {
        try
        {
            if (_entries.TryGetValue(key, out var old) && old.Secret is not null && old.TryBeginRefresh())
            {
                // Expired but still held for stale-if-error: a version check may spare a fetch.
                await RefreshEntryAsync(slot, key, old, _lifetime.Token).ConfigureAwait(false);
                if (_entries.TryGetValue(key, out var live) && live.Secret is not null)
                {
                    completion.TrySetResult(live);
                    return;
                }

                throw old.LastError ?? new SecretUnavailableException(slot.Provider.Name, key.Path, "Refreshing it failed.");
            }

            var secret = await FetchAsync(slot, key, SecretAccessKind.Fetch).ConfigureAwait(false);
            completion.TrySetResult(Store(slot, key, secret));
        }
        catch (SecretNotFoundException notFound) when (_options.NegativeCacheDuration > TimeSpan.Zero)
        {
            var negative = CacheEntry.ForNotFound(notFound);
            var now = Now();
            negative.SetTimes(now + _options.NegativeCacheDuration, now + _options.NegativeCacheDuration);
            _cache.Set(key, negative, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _options.NegativeCacheDuration });
            completion.TrySetResult(negative);
        }
        catch (Exception ex)
        {
            completion.TrySetException(SecretResiliencePipelines.ToSecretError(ex, slot.Provider.Name, key.Path));
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<SecretReference, Task<CacheEntry>>(key, completion.Task));
        }
    }

    private async Task FetchBatchAsync(ProviderSlot slot, IReadOnlyList<SecretReference> references, int[] indexes, SecretResult?[] results, CancellationToken cancellationToken)
    {
        var keys = indexes.Select(i => references[i].GetCacheKey(slot.Provider.Name)).ToArray();
        IReadOnlyList<SecretResult> fetched;
        var started = _time.GetTimestamp();
        try
        {
            await EnsureIdentityInScopeAsync(slot, keys[0], SecretAccessKind.Fetch, cancellationToken).ConfigureAwait(false);
            fetched = await slot.Pipeline.ExecuteAsync(
                static (state, ct) => state.Provider.GetSecretsAsync(state.keys, ct),
                (slot.Provider, keys),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            foreach (var i in indexes)
            {
                var error = SecretResiliencePipelines.ToSecretError(ex, slot.Provider.Name, references[i].Path);
                AuditFailure(slot, references[i], SecretAccessKind.Fetch, error);
                results[i] = SecretResult.Failure(references[i], error);
            }

            return;
        }

        _diagnostics.FetchDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("provider", slot.Provider.Name));
        if (fetched.Count != indexes.Length)
        {
            throw new InvalidOperationException($"Provider '{slot.Provider.Name}' returned {fetched.Count} results for {indexes.Length} references.");
        }

        for (var j = 0; j < indexes.Length; j++)
        {
            var i = indexes[j];
            var reference = references[i];
            if (fetched[j].Secret is { } secret)
            {
                var entry = Store(slot, keys[j], secret);
                try
                {
                    results[i] = SecretResult.Success(reference, Serve(slot, reference, entry, SecretAccessKind.Fetch, SecretAuditOutcome.Success));
                }
                catch (SecretStoreException ex)
                {
                    results[i] = SecretResult.Failure(reference, ex);
                }
            }
            else
            {
                AuditFailure(slot, reference, SecretAccessKind.Fetch, fetched[j].Error!);
                results[i] = SecretResult.Failure(reference, fetched[j].Error!);
            }
        }
    }

    private async Task<Secret> FetchAsync(ProviderSlot slot, SecretReference key, SecretAccessKind kind)
    {
        using var activity = SecretStoreDiagnostics.ActivitySource.StartActivity("secrets.fetch", ActivityKind.Client);
        activity?.SetTag("secrets.provider", slot.Provider.Name);
        activity?.SetTag("secrets.name", key.Path);
        activity?.SetTag("secrets.access", kind.ToString());
        var started = _time.GetTimestamp();
        try
        {
            await EnsureIdentityInScopeAsync(slot, key, kind, _lifetime.Token).ConfigureAwait(false);
            var secret = await slot.Pipeline.ExecuteAsync(
                static (state, ct) => state.Provider.GetSecretAsync(state.key, ct),
                (slot.Provider, key),
                _lifetime.Token).ConfigureAwait(false);
            activity?.SetTag("secrets.version", secret.Properties.Version);
            _diagnostics.FetchDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("provider", slot.Provider.Name));
            Log.Fetched(_logger, slot.Provider.Name, key.Path, secret.Properties.Version);
            return secret;
        }
        catch (Exception ex)
        {
            var error = SecretResiliencePipelines.ToSecretError(ex, slot.Provider.Name, key.Path);
            activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            _diagnostics.Errors.Add(1, new KeyValuePair<string, object?>("provider", slot.Provider.Name), new KeyValuePair<string, object?>("error.type", error.GetType().Name));
            throw error;
        }
    }

    private CacheEntry Store(ProviderSlot slot, SecretReference key, Secret secret)
    {
        secret.Value.TransferToStore();
        if ((secret.Value.Protection & SecretMemoryProtection.LockedInMemory) == 0 && Interlocked.Exchange(ref _unlockedMemoryReported, 1) == 0)
        {
            Log.MemoryNotLocked(_logger, secret.Value.Protection);
        }

        var entry = CacheEntry.ForSecret(secret);
        SetFreshness(slot, entry, Now());
        Put(key, entry);
        return entry;
    }

    private void SetFreshness(ProviderSlot slot, CacheEntry entry, DateTimeOffset now)
    {
        var duration = slot.Provider.Options.CacheDuration ?? _options.CacheDuration;
        var jitter = 1 - (_options.RefreshJitter * _options.Randomizer());
        entry.SetTimes(now + (duration * _options.RefreshAheadRatio * jitter), now + duration);
        entry.LastRefreshFailed = false;
    }

    private void Put(SecretReference key, CacheEntry entry)
    {
        var untilRefresh = entry.RefreshAt - Now();
        var options = new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = untilRefresh > TimeSpan.Zero ? untilRefresh : TimeSpan.FromTicks(1),
        };
        options.RegisterPostEvictionCallback(static (key, value, reason, state) => ((SecretStore)state!).OnEvicted((SecretReference)key, (CacheEntry)value!, reason), this);
        if (_entries.TryAdd(key, entry))
        {
            if (Interlocked.Increment(ref _indexed) > _options.MaxCachedSecrets)
            {
                MakeRoom(key);
            }
        }
        else
        {
            _entries[key] = entry;
        }

        _cache.Set(key, entry, options);
    }

    /// <summary>
    /// Over the bound: drop entries held only for refresh or staleness (not in MemoryCache) first, soonest expired
    /// first; if that is not enough, compact MemoryCache (least recently used first) so that it accepts the new entry.
    /// Runs only when the bound is crossed; <see cref="_indexed"/> spares the hot path ConcurrentDictionary.Count,
    /// which takes every lock.
    /// </summary>
    private void MakeRoom(SecretReference adding)
    {
        var live = _cache.Keys.ToHashSet();
        var excess = Volatile.Read(ref _indexed) - _options.MaxCachedSecrets;
        foreach (var pair in _entries.Where(pair => !live.Contains(pair.Key) && !pair.Key.Equals(adding)).OrderBy(pair => pair.Value.ExpiresAtTicks).Take(excess).ToArray())
        {
            if (Unindex(pair.Key, pair.Value))
            {
                ReleaseLater(pair.Value);
                excess--;
            }
        }

        if (excess > 0)
        {
            _cache.Compact(Math.Max(0.05, (double)excess / _options.MaxCachedSecrets));
        }
    }

    /// <summary>Removes an entry from the index if it is still the one indexed under its key.</summary>
    private bool Unindex(SecretReference key, CacheEntry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<SecretReference, CacheEntry>(key, entry)))
        {
            Interlocked.Decrement(ref _indexed);
            return true;
        }

        return false;
    }

    private void OnEvicted(SecretReference key, CacheEntry entry, EvictionReason reason)
    {
        if (entry.Secret is null || reason == EvictionReason.Expired
            || (_cache.TryGetValue(key, out var current) && ReferenceEquals(current, entry)))
        {
            // Negative entries are not indexed; an expired one is due for refresh and stays indexed for
            // refresh-ahead and stale-if-error; a re-inserted one is still live.
            return;
        }

        // Replaced by a newer entry, invalidated, or evicted for capacity.
        Unindex(key, entry);
        Log.Evicted(_logger, key.Provider!, key.Path, reason);
        ReleaseLater(entry);
    }

    /// <summary>
    /// Wipes an entry's values after the grace period, so that callers that got the secret just before can still read
    /// it (open leases always keep it). The timer is kept in <see cref="_pendingWipes"/>, which roots it. Idempotent.
    /// </summary>
    private void ReleaseLater(CacheEntry entry)
    {
        if (_options.EvictionGracePeriod <= TimeSpan.Zero || Volatile.Read(ref _disposed) != 0)
        {
            entry.Release();
            return;
        }

        if (_pendingWipes.ContainsKey(entry))
        {
            return;
        }

        var timer = _time.CreateTimer(
            static state =>
            {
                var (store, pending) = ((SecretStore, CacheEntry))state!;
                if (store._pendingWipes.TryRemove(pending, out var scheduled))
                {
                    scheduled.Dispose();
                }

                pending.Release();
            },
            (this, entry),
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        if (_pendingWipes.TryAdd(entry, timer))
        {
            timer.Change(_options.EvictionGracePeriod, Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer.Dispose();
        }
    }

    private void StartBackgroundRefresh(ProviderSlot slot, SecretReference key, CacheEntry entry)
    {
        if (entry.TryBeginRefresh())
        {
            _ = RefreshEntryAsync(slot, key, entry, _lifetime.Token);
        }
    }

    /// <summary>
    /// Checks the version cheaply; fetches the value only when it changed. On failure keeps the entry (stale-if-error)
    /// and postpones the next attempt. The caller has called <see cref="CacheEntry.TryBeginRefresh"/>.
    /// </summary>
    /// <returns><see langword="true"/> when the value changed.</returns>
    private async Task<bool> RefreshEntryAsync(ProviderSlot slot, SecretReference key, CacheEntry entry, CancellationToken cancellationToken)
    {
        var fetching = false;
        try
        {
            var current = entry.Secret!.Properties;
            await EnsureIdentityInScopeAsync(slot, key, SecretAccessKind.Refresh, cancellationToken).ConfigureAwait(false);
            var latest = await slot.Pipeline.ExecuteAsync(
                static (state, ct) => state.Provider.GetPropertiesAsync(state.key, ct),
                (slot.Provider, key),
                cancellationToken).ConfigureAwait(false);
            if (latest.ChangeToken is not null && string.Equals(latest.ChangeToken, current.ChangeToken, StringComparison.Ordinal))
            {
                SetFreshness(slot, entry, Now());
                Put(key, entry);
                Audit(slot, key, SecretAccessKind.Refresh, SecretAuditOutcome.Success, current.Version, errorType: null);
                return false;
            }

            fetching = true;
            var secret = await FetchAsync(slot, key, SecretAccessKind.Refresh).ConfigureAwait(false);
            var changed = latest.ChangeToken is not null || !secret.Value.ContentEquals(entry.Secret.Value);
            Store(slot, key, secret);
            Audit(slot, key, SecretAccessKind.Refresh, SecretAuditOutcome.Success, secret.Properties.Version, errorType: null);
            if (changed)
            {
                Log.Rotated(_logger, slot.Provider.Name, key.Path, current.Version, secret.Properties.Version);
                OnSecretChanged(new SecretChangedEventArgs(key, secret.Properties));
            }

            return changed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = SecretResiliencePipelines.ToSecretError(ex, slot.Provider.Name, key.Path);
            var now = Now();
            entry.LastRefreshFailed = true;
            entry.LastError = error;
            if (!fetching)
            {
                // FetchAsync counts its own failures.
                _diagnostics.Errors.Add(1, new KeyValuePair<string, object?>("provider", slot.Provider.Name), new KeyValuePair<string, object?>("error.type", error.GetType().Name));
            }

            entry.PostponeRefresh(now + _options.FailedRefreshRetryInterval);
            if (now >= entry.ExpiresAt + _options.MaxStaleness && Unindex(key, entry))
            {
                // Too old to serve even as stale: stop holding it.
                ReleaseLater(entry);
            }

            AuditFailure(slot, key, SecretAccessKind.Refresh, error);
            Log.RefreshFailed(_logger, slot.Provider.Name, key.Path, error.GetType().Name, error.Message);
            return false;
        }
        finally
        {
            entry.EndRefresh();
        }
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

    private void AuditSuccess(ProviderSlot slot, SecretReference reference, SecretAccessKind kind, string? version) =>
        Audit(slot, reference, kind, SecretAuditOutcome.Success, version, errorType: null);

    private void AuditFailure(ProviderSlot slot, SecretReference reference, SecretAccessKind kind, SecretStoreException error)
    {
        var outcome = error switch
        {
            SecretNotFoundException => SecretAuditOutcome.NotFound,
            SecretAccessDeniedException => SecretAuditOutcome.AccessDenied,
            SecretUnavailableException => SecretAuditOutcome.Unavailable,
            InvalidSecretReferenceException => SecretAuditOutcome.InvalidReference,
            SecretIntegrityException or SecretFormatException => SecretAuditOutcome.IntegrityFailure,
            _ => SecretAuditOutcome.Failed,
        };
        Audit(slot, reference, kind, outcome, reference.Version, error.GetType().Name);
    }

    private void Audit(ProviderSlot slot, SecretReference reference, SecretAccessKind kind, SecretAuditOutcome outcome, string? version, string? errorType)
    {
        if (!_audit.IsEnabled(kind, outcome))
        {
            return;
        }

        var record = new SecretAuditRecord
        {
            Timestamp = _time.GetUtcNow(),
            Provider = slot.Provider.Name,
            SecretName = reference.Path,
            Field = reference.Field,
            Version = version,
            Kind = kind,
            Outcome = outcome,
            Identity = slot.Provider.Identity,
            User = _user,
            Host = _host,
            Process = _process,
            Environment = _environment,
            ErrorType = errorType,
        };
        try
        {
            _audit.Record(in record);
        }
#pragma warning disable CA1031 // An audit sink's failure is logged, never allowed to break reads.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.AuditSinkFailed(_logger, ex);
        }
    }

    private sealed record ProviderSlot(SecretProvider Provider, ResiliencePipeline Pipeline, bool AllowedHere);

    /// <summary>
    /// A reference's routing through this store (provider, cache key), remembered on the reference once it passed the
    /// scope check: both inputs are immutable, so repeated reads with one reference skip the lookups.
    /// </summary>
    private sealed record RouteEntry(SecretStore Store, ProviderSlot Slot, SecretReference Key);
}
