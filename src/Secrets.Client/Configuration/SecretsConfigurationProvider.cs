using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Secrets.Client.Configuration;

/// <summary>
/// Serves secrets as configuration keys. Loads everything at start in parallel (batched per provider, bounded by
/// <see cref="SecretStoreOptions.MaxConcurrency"/>), then reloads when the store sees a rotated secret; a failed reload
/// is logged and keeps the previous values.
/// </summary>
/// <remarks>
/// Configuration values are managed strings: once a secret is in <see cref="IConfiguration"/> it is outside secret
/// memory. Prefer <see cref="ISecretStore"/> for the most sensitive values.
/// </remarks>
public sealed partial class SecretsConfigurationProvider : ConfigurationProvider, IDisposable
{
    /// <summary>How many listed secrets are fetched together while the listing goes on.</summary>
    private const int PrefixChunkSize = 50;

    private readonly SecretsConfigurationSource _source;
    private readonly IConfigurationSource[] _earlierSources;
    private readonly ISecretStore _store;
    private readonly SecretStore? _ownedStore;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private List<SecretConfigurationMapping>? _resolvedReferences;
    private readonly ITimer? _refreshTimer;
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
        _logger = (source.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SecretsConfigurationProvider>();
        if (source.Store is { } store)
        {
            _store = store;
        }
        else
        {
            _ownedStore = new SecretStore(source.Providers, source.StoreOptions, source.TimeProvider, source.LoggerFactory);
            _store = _ownedStore;
        }

        if (source.ReloadOnChange && _store is SecretStore refreshable)
        {
            refreshable.SecretChanged += OnSecretChanged;
            if (source.RefreshInterval > TimeSpan.Zero)
            {
                _refreshTimer = source.TimeProvider.CreateTimer(static state => ((SecretsConfigurationProvider)state!).RefreshInBackground(), this, source.RefreshInterval, source.RefreshInterval);
            }
        }
    }

    /// <summary>
    /// Loads every secret. Configuration's <c>Load</c> is synchronous, so this is the one place that waits on I/O;
    /// the work runs on the thread pool so that no synchronization context can deadlock it.
    /// </summary>
    public override void Load()
    {
        try
        {
            Data = Task.Run(() => LoadDataAsync(CancellationToken.None)).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (_source.Optional && ex is SecretStoreException or AggregateException)
        {
            LogOptionalLoadFailed(_logger, ex.GetType().Name, ex.Message);
        }
    }

    /// <summary>Reloads now (for example after an operator rotated a secret); a failure keeps the previous values.</summary>
    /// <param name="cancellationToken">Cancels the reload.</param>
    /// <returns><see langword="true"/> when the reload succeeded.</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Exchange(ref _reloadPending, 0);
            var data = await LoadDataAsync(cancellationToken).ConfigureAwait(false);
            Data = data;
            OnReload();
            LogReloaded(_logger, data.Count);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReloadFailed(_logger, ex.GetType().Name, ex.Message);
            return false;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _refreshTimer?.Dispose();
        if (_store is SecretStore refreshable)
        {
            refreshable.SecretChanged -= OnSecretChanged;
        }

        _ownedStore?.Dispose();
        _reloadGate.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{nameof(SecretsConfigurationProvider)}({_source.Secrets.Count} secrets, {_source.Prefixes.Count} prefixes{(_source.Optional ? ", optional" : string.Empty)})";

    /// <summary>
    /// Maps a secret name to a configuration key: <c>--</c> (Key Vault's convention), <c>__</c> (environment
    /// variables') and <c>/</c> (path-like names) become <c>:</c>.
    /// </summary>
    internal static string NormalizeKey(string name) =>
        name.Replace("--", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)
            .Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)
            .Replace("/", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)
            .Trim(':');

    private static void Write(Dictionary<string, string?> data, string key, Secret secret, bool flatten)
    {
        using var lease = secret.Value.Lease();
        var bytes = lease.Span;
        if (flatten && JsonSecretReader.IsJsonObject(bytes))
        {
            JsonSecretReader.Flatten(bytes, (Data: data, Key: key), static (path, value, state) =>
            {
                using (value)
                {
                    state.Data[state.Key + ConfigurationPath.KeyDelimiter + path] = value.ExposeAsString();
                }
            });
            return;
        }

        data[key] = Encoding.UTF8.GetString(bytes);
    }

    private async Task<Dictionary<string, string?>> LoadDataAsync(CancellationToken cancellationToken)
    {
        // Named secrets and references found in earlier sources are fetched while prefixes are listed, and every
        // chunk of a listing is fetched as soon as it is listed, so that fetching overlaps paging; the store bounds
        // the concurrency of all of it together.
        var named = _source.Secrets
            .Select(mapping => new PlannedSecret(
                mapping,
                mapping.Key ?? NormalizeKey(mapping.Reference.Field is null ? mapping.Reference.Path : mapping.Reference.Path + "/" + mapping.Reference.Field),
                _source.FlattenJson && mapping.Reference.Field is null))
            .ToList();
        var references = (_resolvedReferences ??= FindReferencesInEarlierSources())
            .Select(mapping => new PlannedSecret(mapping, mapping.Key!, Flatten: false))
            .ToList();
        var fetches = new List<Task<FetchedBatch>> { FetchAsync(named, cancellationToken) };
        try
        {
            foreach (var prefix in _source.Prefixes)
            {
                var chunk = new List<PlannedSecret>();
                await foreach (var properties in _store.ListSecretsAsync(prefix.Provider, prefix.Prefix, cancellationToken).ConfigureAwait(false))
                {
                    var relative = NormalizeKey(properties.Name[prefix.Prefix.Length..]);
                    var key = string.IsNullOrEmpty(prefix.KeyPrefix) ? relative : ConfigurationPath.Combine(prefix.KeyPrefix, relative);
                    chunk.Add(new PlannedSecret(new SecretConfigurationMapping(new SecretReference(prefix.Provider, properties.Name), key), key, _source.FlattenJson));
                    if (chunk.Count == PrefixChunkSize)
                    {
                        fetches.Add(FetchAsync(chunk, cancellationToken));
                        chunk = [];
                    }
                }

                fetches.Add(FetchAsync(chunk, cancellationToken));
            }
        }
        catch
        {
            // A listing failed: let the fetches already started finish unobserved (their secrets stay in the store's cache).
            foreach (var fetch in fetches)
            {
                _ = fetch.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }

            throw;
        }

        fetches.Add(FetchAsync(references, cancellationToken));

        // Later entries win for the same key: named secrets, then prefixes, then references in earlier sources.
        var plan = new List<PlannedSecret>();
        var results = new List<SecretResult>();
        foreach (var batch in await Task.WhenAll(fetches).ConfigureAwait(false))
        {
            plan.AddRange(batch.Plan);
            results.AddRange(batch.Results);
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<SecretStoreException>();
        for (var i = 0; i < plan.Count; i++)
        {
            var (mapping, key, flatten) = plan[i];
            if (results[i].Secret is { } secret)
            {
                Write(data, key, secret, flatten);
            }
            else if (mapping.Optional && results[i].Error is SecretNotFoundException)
            {
                LogOptionalSecretMissing(_logger, mapping.Reference, key);
            }
            else
            {
                errors.Add(results[i].Error!);
            }
        }

        return errors.Count switch
        {
            0 => data,
            1 => throw errors[0],
            _ => throw new AggregateException($"{errors.Count} required secrets could not be loaded into configuration: {string.Join(", ", errors.Select(e => $"{e.Provider}:{e.SecretName} ({e.GetType().Name})"))}.", errors),
        };
    }

    private async Task<FetchedBatch> FetchAsync(List<PlannedSecret> plan, CancellationToken cancellationToken) =>
        plan.Count == 0
            ? new FetchedBatch(plan, [])
            : new FetchedBatch(plan, await _store.GetSecretsAsync(plan.Select(item => item.Mapping.Reference).ToArray(), cancellationToken).ConfigureAwait(false));

    private List<SecretConfigurationMapping> FindReferencesInEarlierSources()
    {
        var found = new List<SecretConfigurationMapping>();
        if (!_source.ResolveReferences || _earlierSources.Length == 0 || _store is not SecretStore router)
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
            if (SecretReference.TryGetProvider(value, out _) && SecretReference.TryParse(value, out var reference) && router.CanResolve(reference))
            {
                found.Add(new SecretConfigurationMapping(reference, key));
            }
        }

        return found;
    }

    private void OnSecretChanged(object? sender, SecretChangedEventArgs args)
    {
        // Coalesce bursts (a refresh may rotate many secrets): at most one reload waits behind the running one.
        if (Interlocked.Exchange(ref _reloadPending, 1) == 0 && Volatile.Read(ref _disposed) == 0)
        {
            _ = Task.Run(() => ReloadAsync());
        }
    }

    private void RefreshInBackground()
    {
        if (Volatile.Read(ref _disposed) == 0 && _store is SecretStore refreshable)
        {
            _ = RefreshAsync(refreshable);
        }
    }

    private async Task RefreshAsync(SecretStore store)
    {
        try
        {
            await store.RefreshAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReloadFailed(_logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Secrets configuration reloaded ({Count} keys)")]
    private static partial void LogReloaded(ILogger logger, int count);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Reloading secrets configuration failed ({ErrorType}: {ErrorMessage}); the previous values are kept")]
    private static partial void LogReloadFailed(ILogger logger, string errorType, string errorMessage);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Optional secret {Reference} for key {Key} was not found")]
    private static partial void LogOptionalSecretMissing(ILogger logger, SecretReference reference, string key);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "The optional secrets configuration source could not load ({ErrorType}: {ErrorMessage})")]
    private static partial void LogOptionalLoadFailed(ILogger logger, string errorType, string errorMessage);

    private readonly record struct PlannedSecret(SecretConfigurationMapping Mapping, string Key, bool Flatten);

    private sealed record FetchedBatch(List<PlannedSecret> Plan, IReadOnlyList<SecretResult> Results);
}
