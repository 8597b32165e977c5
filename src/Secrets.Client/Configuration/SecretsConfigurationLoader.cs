using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Secrets.Client.Configuration;

/// <summary>
/// One load of a secrets configuration source: plans the keys (named secrets, listed prefixes, references written in
/// earlier sources), takes each secret's change token <em>before</em> fetching it (so that a change during the load is
/// never missed), fetches through the store in batches, and applies each secret's policy to errors.
/// </summary>
internal sealed class SecretsConfigurationLoader(SecretsConfigurationSource source, ISecretStore store, Func<List<SecretConfigurationMapping>> earlierReferences)
{
    /// <summary>How many listed secrets are fetched together while the listing goes on.</summary>
    private const int PrefixChunkSize = 50;

    // initial: the first load, where a missing required secret fails; later loads drop its keys. Lazy secrets are not in the first load.
    public async Task<LoadResult> LoadAsync(bool initial, bool includeLazy, CancellationToken cancellationToken)
    {
        // Named secrets and references found in earlier sources are fetched while prefixes are listed, and every
        // chunk of a listing is fetched as soon as it is listed, so that fetching overlaps paging; the store bounds
        // the concurrency of all of it together.
        var mapKey = source.KeyMapper ?? SecretsConfigurationSource.DefaultKeyMapper;
        var tokens = new List<IChangeToken>();
        var skippedLazy = false;
        var named = new List<PlannedSecret>();
        foreach (var mapping in source.Secrets)
        {
            if (mapping.Lazy && !includeLazy)
            {
                skippedLazy = true;
                continue;
            }

            var key = mapping.Key ?? mapKey(mapping.Reference.Field is null ? mapping.Reference.Path : mapping.Reference.Path + "/" + mapping.Reference.Field);
            named.Add(new PlannedSecret(mapping, key, source.FlattenJson && mapping.Reference.Field is null));
        }

        var references = earlierReferences().Select(mapping => new PlannedSecret(mapping, mapping.Key!, Flatten: false)).ToList();
        var fetches = new List<Task<FetchedBatch>> { FetchAsync(named, tokens, cancellationToken) };
        try
        {
            foreach (var prefix in source.Prefixes)
            {
                var chunk = new List<PlannedSecret>();
                await foreach (var properties in store.ListSecretsAsync(prefix.Provider, prefix.Prefix, cancellationToken).ConfigureAwait(false))
                {
                    var relative = mapKey(properties.Name[prefix.Prefix.Length..]);
                    var key = string.IsNullOrEmpty(prefix.KeyPrefix) ? relative : ConfigurationPath.Combine(prefix.KeyPrefix, relative);
                    chunk.Add(new PlannedSecret(new SecretConfigurationMapping(new SecretReference(prefix.Provider, properties.Name), key), key, source.FlattenJson));
                    if (chunk.Count == PrefixChunkSize)
                    {
                        fetches.Add(FetchAsync(chunk, tokens, cancellationToken));
                        chunk = [];
                    }
                }

                fetches.Add(FetchAsync(chunk, tokens, cancellationToken));
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

        fetches.Add(FetchAsync(references, tokens, cancellationToken));

        // Later entries win for the same key: named secrets, then prefixes, then references in earlier sources.
        var result = new LoadResult(tokens, skippedLazy);
        var errors = new List<SecretStoreException>();
        foreach (var batch in await Task.WhenAll(fetches).ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Plan.Count; i++)
            {
                var (mapping, key, flatten) = batch.Plan[i];
                if (batch.Results[i].Secret is { } secret)
                {
                    Write(result, key, mapping.Reference, secret, flatten);
                }
                else if (batch.Results[i].Error is { } error && (mapping.Tolerates(error) || (!initial && error is SecretNotFoundException or SecretAccessDeniedException)))
                {
                    // Tolerated by policy, or a required secret deleted or revoked after start-up: its keys leave configuration.
                    result.Missing.Add((mapping, key, error));
                }
                else
                {
                    errors.Add(batch.Results[i].Error!);
                }
            }
        }

        return errors.Count switch
        {
            0 => result,
            1 => throw errors[0],
            _ => throw new AggregateException($"{errors.Count} required secrets could not be loaded into configuration: {string.Join(", ", errors.Select(e => $"{e.Provider}:{e.SecretName} ({e.GetType().Name})"))}.", errors),
        };
    }

    private static void Write(LoadResult result, string key, SecretReference reference, Secret secret, bool flatten)
    {
        using var lease = secret.Value.Lease();
        var bytes = lease.Span;
        if (flatten && JsonSecretReader.IsJsonObject(bytes))
        {
            JsonSecretReader.Flatten(bytes, (Result: result, Key: key, Reference: reference, secret.Properties), static (path, value, state) =>
            {
                using (value)
                {
                    var full = state.Key + ConfigurationPath.KeyDelimiter + path;
                    state.Result.Data[full] = value.ExposeAsString();
                    state.Result.Sources[full] = new SecretKeySource(full, state.Reference, state.Properties.Provider, state.Properties.Version);
                }
            });
            return;
        }

        result.Data[key] = Encoding.UTF8.GetString(bytes);
        result.Sources[key] = new SecretKeySource(key, reference, secret.Properties.Provider, secret.Properties.Version);
    }

    private async Task<FetchedBatch> FetchAsync(List<PlannedSecret> plan, List<IChangeToken> tokens, CancellationToken cancellationToken)
    {
        if (plan.Count == 0)
        {
            return new FetchedBatch(plan, []);
        }

        if (source.ReloadOnChange)
        {
            lock (tokens)
            {
                foreach (var item in plan)
                {
                    try
                    {
                        tokens.Add(store.GetChangeToken(item.Mapping.Reference));
                    }
                    catch (SecretStoreException)
                    {
                        // Not routable: the fetch below reports it.
                    }
                }
            }
        }

        return new FetchedBatch(plan, await store.GetSecretsAsync(plan.Select(item => item.Mapping.Reference).ToArray(), cancellationToken).ConfigureAwait(false));
    }

    internal sealed class LoadResult(List<IChangeToken> tokens, bool skippedLazy)
    {
        public Dictionary<string, string?> Data { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, SecretKeySource> Sources { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<(SecretConfigurationMapping Mapping, string Key, SecretStoreException Error)> Missing { get; } = [];

        public List<IChangeToken> Tokens { get; } = tokens;

        public bool SkippedLazy { get; } = skippedLazy;
    }

    private readonly record struct PlannedSecret(SecretConfigurationMapping Mapping, string Key, bool Flatten);

    private sealed record FetchedBatch(List<PlannedSecret> Plan, IReadOnlyList<SecretResult> Results);
}
