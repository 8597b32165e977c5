using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>
/// Everything the store does with a provider besides reading values: metadata, listings, writes, rotations and
/// provider-specific calls. Each is routed and scope-checked, runs through the provider's resilience pipeline (writes
/// and rotations once: a timed-out write may have landed), maps errors to the SDK's types and is audited.
/// </summary>
internal sealed class ProviderOperations(SecretRouter router, StoreAuditor audit, ILogger logger)
{
    public async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        var route = router.Route(reference, SecretAccessKind.Metadata);
        var key = reference.GetCacheKey(route.Name);
        try
        {
            var properties = await route.CallAsync(static (provider, key, ct) => provider.GetPropertiesAsync(key, ct), key, cancellationToken).ConfigureAwait(false);
            audit.Success(route, reference, SecretAccessKind.Metadata, properties.Version);
            return properties;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failed(route, reference, SecretAccessKind.Metadata, ex);
        }
    }

    public async IAsyncEnumerable<SecretProperties> ListAsync(string? provider, string? prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var route = router.RouteProvider(provider, prefix ?? string.Empty);
        var probe = new SecretReference(route.Name, string.IsNullOrEmpty(prefix) ? "*" : prefix);
        router.EnsureInScope(route, probe, SecretAccessKind.List);
        if (!route.Provider.SupportsListing)
        {
            throw new NotSupportedException($"Provider '{route.Name}' cannot list secrets.");
        }

        IAsyncEnumerator<SecretProperties> pages;
        bool more;
        try
        {
            // Retried up to the first item: once items were handed out, a restart would repeat them.
            (pages, more) = await route.CallAsync(
                static async (provider, prefix, ct) =>
                {
                    var enumerator = provider.ListSecretsAsync(prefix, ct).GetAsyncEnumerator(ct);
                    try
                    {
                        return (enumerator, await enumerator.MoveNextAsync().ConfigureAwait(false));
                    }
                    catch
                    {
                        await enumerator.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                },
                prefix,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failed(route, probe, SecretAccessKind.List, ex);
        }

        await using (pages.ConfigureAwait(false))
        {
            var count = 0;
            while (more)
            {
                var item = pages.Current;
                count++;
                yield return item;
                try
                {
                    more = await pages.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    throw Failed(route, probe, SecretAccessKind.List, ex);
                }
            }

            audit.Success(route, probe, SecretAccessKind.List, version: null);
            Log.Listed(logger, route.Name, prefix, count);
        }
    }

    public async ValueTask<SecretProperties> SetAsync(SecretReference reference, SecretValue value, CancellationToken cancellationToken)
    {
        var route = router.Route(reference, SecretAccessKind.Write);
        try
        {
            var properties = await route.CallOnceAsync(static (provider, state, ct) => provider.SetSecretAsync(state.Path, state.value, ct), (reference.Path, value), cancellationToken).ConfigureAwait(false);
            audit.Success(route, reference, SecretAccessKind.Write, properties.Version);
            return properties;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failed(route, reference, SecretAccessKind.Write, ex);
        }
    }

    public async ValueTask<SecretProperties> RotateAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        var route = router.Route(reference, SecretAccessKind.Rotate);
        try
        {
            var properties = await route.CallOnceAsync(static (provider, key, ct) => provider.RotateSecretAsync(key, ct), reference.GetCacheKey(route.Name), cancellationToken).ConfigureAwait(false);
            audit.Success(route, reference, SecretAccessKind.Rotate, properties.Version);
            return properties;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failed(route, reference, SecretAccessKind.Rotate, ex);
        }
    }

    public async ValueTask<TResult> InvokeAsync<TProvider, TResult>(SecretReference reference, SecretAccessKind kind, Func<TProvider, SecretReference, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken)
        where TProvider : SecretProvider
    {
        var route = router.Route(reference, kind);
        if (route.Provider is not TProvider)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"provider '{route.Name}' is a {route.Provider.GetType().Name}, not a {typeof(TProvider).Name}.", route.Name);
        }

        try
        {
            var result = await route.CallAsync(static (provider, state, ct) => state.operation((TProvider)provider, state.key, ct), (operation, key: reference.GetCacheKey(route.Name)), cancellationToken).ConfigureAwait(false);
            audit.Success(route, reference, kind, reference.Version);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failed(route, reference, kind, ex);
        }
    }

    private SecretStoreException Failed(ProviderRoute route, SecretReference reference, SecretAccessKind kind, Exception exception)
    {
        var error = SecretResiliencePipelines.ToSecretError(exception, route.Name, reference.Path);
        audit.Failure(route, reference, kind, error);
        return error;
    }
}
