using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace Secrets.Client.Configuration;

/// <summary>
/// Serves secrets as configuration keys, through any <see cref="ISecretStore"/>. Loads everything at start in parallel
/// (batched per provider, bounded by <see cref="SecretStoreOptions.MaxConcurrency"/>), then reloads at every change the
/// store raises for a loaded secret (<see cref="ISecretStore.GetChangeToken"/>): refresh, write, rotate-now,
/// invalidation, removal at the backend, push notifications. A failed reload is logged, keeps the previous values and
/// is retried with exponential backoff. A secret deleted or revoked after start-up leaves configuration.
/// </summary>
/// <remarks>
/// Configuration values are managed strings: once a secret is in <see cref="IConfiguration"/> it is outside secret
/// memory. Prefer <see cref="SecretHandle"/> options properties (bound from <c>handle:&lt;reference&gt;</c>) or
/// <see cref="ISecretStore"/> for the most sensitive values.
/// </remarks>
public sealed partial class SecretsConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly SecretsConfigurationSource _source;
    private readonly IConfigurationSource[] _earlierSources;
    private readonly ISecretStore _store;
    private readonly SecretStore? _ownedStore;
    private readonly ILogger _logger;
    private readonly SecretsConfigurationLoader _loader;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly Lock _registrationGate = new();
    private List<SecretConfigurationMapping>? _resolvedReferences;
    private List<IDisposable> _registrations = [];
    private IReadOnlyDictionary<string, SecretKeySource> _keySources = new Dictionary<string, SecretKeySource>();
    private ITimer? _retryTimer;
    private int _failures;
    private int _reloadPending;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="SecretsConfigurationProvider"/> class.</summary>
    /// <param name="source">The source's settings.</param>
    /// <param name="earlierSources">The sources added before this one, scanned for secret references.</param>
    public SecretsConfigurationProvider(SecretsConfigurationSource source, IEnumerable<IConfigurationSource> earlierSources)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(earlierSources);
        _source = source;
        _earlierSources = earlierSources.ToArray();
        // Logging: the source's, else that of a SecretStore it is given (a DI store logs through the host), else none.
        _logger = (source.LoggerFactory ?? (source.Store as SecretStore)?.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SecretsConfigurationProvider>();
        if (source.Store is { } store)
        {
            _store = store;
        }
        else
        {
            _ownedStore = new SecretStore(source.Providers, source.StoreOptions, source.TimeProvider, source.LoggerFactory);
            _store = _ownedStore;
        }

        _loader = new SecretsConfigurationLoader(source, _store, () => _resolvedReferences ??= FindReferencesInEarlierSources());
    }

    /// <summary>Gets the store configuration reads through.</summary>
    public ISecretStore Store => _store;

    /// <summary>
    /// Loads every secret. Configuration's <c>Load</c> is synchronous, so this is the one place that waits on I/O;
    /// the work runs on the thread pool so that no synchronization context can deadlock it.
    /// </summary>
    public override void Load()
    {
        try
        {
            var result = Task.Run(() => _loader.LoadAsync(initial: true, includeLazy: false, CancellationToken.None)).GetAwaiter().GetResult();
            Apply(result);
            if (result.SkippedLazy)
            {
                ScheduleReload();
            }
        }
        catch (Exception ex) when (_source.Optional && ex is SecretStoreException or AggregateException)
        {
            LogOptionalLoadFailed(_logger, ex.GetType().Name, ex.Message);
            ScheduleRetry();
        }
    }

    /// <summary>Reloads now (for example after an operator rotated a secret); a failure keeps the previous values and is retried.</summary>
    /// <param name="cancellationToken">Cancels the reload.</param>
    /// <returns><see langword="true"/> when the reload succeeded.</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Exchange(ref _reloadPending, 0);
            var result = await _loader.LoadAsync(initial: false, includeLazy: true, cancellationToken).ConfigureAwait(false);
            Apply(result);
            Interlocked.Exchange(ref _failures, 0);
            OnReload();
            LogReloaded(_logger, result.Data.Count);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogReloadFailed(_logger, ex.GetType().Name, ex.Message);
            ScheduleRetry();
            return false;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>Gets which reference, provider and version supplied each key (never a value).</summary>
    /// <returns>The sources by configuration key.</returns>
    public IReadOnlyDictionary<string, SecretKeySource> GetKeySources() => Volatile.Read(ref _keySources);

    /// <summary>Describes every key this provider serves with the secret that supplied it; never a value.</summary>
    /// <returns>One line per key, sorted.</returns>
    public string GetDebugView()
    {
        var text = new StringBuilder();
        foreach (var source in GetKeySources().Values.OrderBy(source => source.Key, StringComparer.OrdinalIgnoreCase))
        {
            text.Append(source).Append('\n');
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_registrationGate)
        {
            _retryTimer?.Dispose();
            _registrations.ForEach(registration => registration.Dispose());
            _registrations = [];
        }

        _ownedStore?.Dispose();
        _reloadGate.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{nameof(SecretsConfigurationProvider)}({_source.Secrets.Count} secrets, {_source.Prefixes.Count} prefixes{(_source.Optional ? ", optional" : string.Empty)})";

    private void Apply(SecretsConfigurationLoader.LoadResult result)
    {
        foreach (var (mapping, key, error) in result.Missing)
        {
            LogSecretMissing(_logger, mapping.Reference, key, error.GetType().Name);
        }

        Data = result.Data;
        Volatile.Write(ref _keySources, result.Sources);
        Subscribe(result.Tokens);
    }

    /// <summary>Follows the tokens taken before the load: a change that happened during the load reloads at once.</summary>
    private void Subscribe(List<IChangeToken> tokens)
    {
        var registrations = new List<IDisposable>(tokens.Count);
        var changed = false;
        foreach (var token in tokens)
        {
            changed |= token.HasChanged;
            registrations.Add(token.RegisterChangeCallback(static state => ((SecretsConfigurationProvider)state!).ScheduleReload(), this));
        }

        List<IDisposable> previous;
        lock (_registrationGate)
        {
            previous = _registrations;
            _registrations = registrations;
            if (Volatile.Read(ref _disposed) != 0)
            {
                previous = registrations;
            }
        }

        previous.ForEach(registration => registration.Dispose());
        if (changed)
        {
            ScheduleReload();
        }
    }

    private void ScheduleReload()
    {
        // Coalesce bursts (a refresh may rotate many secrets): at most one reload waits behind the running one.
        if (Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _reloadPending, 1) == 0)
        {
            _ = Task.Run(() => ReloadAsync());
        }
    }

    private void ScheduleRetry()
    {
        var failures = Interlocked.Increment(ref _failures);
        var delay = TimeSpan.FromTicks(Math.Min(_source.MaxReloadRetryDelay.Ticks, _source.ReloadRetryDelay.Ticks << Math.Min(failures - 1, 20)));
        lock (_registrationGate)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            _retryTimer?.Dispose();
            _retryTimer = _source.TimeProvider.CreateTimer(static state => ((SecretsConfigurationProvider)state!).ScheduleReload(), this, delay, Timeout.InfiniteTimeSpan);
        }

        LogReloadRetryScheduled(_logger, failures, delay.TotalSeconds);
    }

    private List<SecretConfigurationMapping> FindReferencesInEarlierSources()
    {
        var found = new List<SecretConfigurationMapping>();
        if (!_source.ResolveReferences || _earlierSources.Length == 0)
        {
            return found;
        }

        var builder = new ConfigurationBuilder();
        foreach (var source in _earlierSources)
        {
            builder.Add(source);
        }

        using var earlier = (IDisposable)builder.Build();
        foreach (var (key, value) in ((IConfiguration)earlier).AsEnumerable())
        {
            if (SecretReference.TryGetProvider(value, out _) && SecretReference.TryParse(value, out var reference) && _store.CanResolve(reference))
            {
                found.Add(new SecretConfigurationMapping(reference, key));
            }
        }

        return found;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Secrets configuration reloaded ({Count} keys)")]
    private static partial void LogReloaded(ILogger logger, int count);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Reloading secrets configuration failed ({ErrorType}: {ErrorMessage}); the previous values are kept")]
    private static partial void LogReloadFailed(ILogger logger, string errorType, string errorMessage);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Secret {Reference} for key {Key} is not in configuration: the provider answered {ErrorType}")]
    private static partial void LogSecretMissing(ILogger logger, SecretReference reference, string key, string errorType);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "The optional secrets configuration source could not load ({ErrorType}: {ErrorMessage})")]
    private static partial void LogOptionalLoadFailed(ILogger logger, string errorType, string errorMessage);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Secrets configuration reload retry {Attempt} in {DelaySeconds} s")]
    private static partial void LogReloadRetryScheduled(ILogger logger, int attempt, double delaySeconds);
}
