using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>
/// Routes references to providers and enforces environment scoping before any request: a provider limited to other
/// environments, or a reference scoped to other environments, is refused (audited and logged).
/// </summary>
internal sealed class SecretRouter
{
    private readonly Dictionary<string, ProviderRoute> _routes = new(StringComparer.Ordinal); // names are lower case
    private readonly ProviderRoute? _default;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ProviderRoute, RouteMemo> _memos = new();
    private readonly StoreAuditor _audit;
    private readonly ILogger _logger;

    public SecretRouter(IEnumerable<SecretProvider> providers, SecretStoreOptions options, string environment, TimeProvider time, StoreAuditor audit, ILogger logger)
    {
        Environment = environment;
        _audit = audit;
        _logger = logger;
        foreach (var provider in providers)
        {
            ArgumentNullException.ThrowIfNull(provider);
            RefuseDevelopmentSourceInProduction(provider, environment);
            var route = new ProviderRoute(provider, time, options.Randomizer, IsAllowed(provider.Options.AllowedEnvironments, environment), environment);
            if (!_routes.TryAdd(provider.Name, route))
            {
                throw new ArgumentException($"Two providers are named '{provider.Name}'; give one a different name.", nameof(providers));
            }
        }

        if (options.DefaultProvider is { } defaultName)
        {
            _default = _routes.TryGetValue(defaultName.ToLowerInvariant(), out var route)
                ? route
                : throw new ArgumentException($"The default provider '{defaultName}' is not registered (registered: {string.Join(", ", _routes.Keys)}).", nameof(options));
        }
        else if (_routes.Count == 1)
        {
            _default = _routes.Values.First();
        }
    }

    public string Environment { get; }

    public IReadOnlyCollection<ProviderRoute> Routes => _routes.Values;

    public IEnumerable<string> Names => _routes.Keys;

    public bool CanResolve(SecretReference reference) =>
        reference.Provider is null ? _default is not null : _routes.ContainsKey(reference.Provider);

    public bool TryGetRoute(string provider, out ProviderRoute route) => _routes.TryGetValue(provider, out route!);

    /// <summary>Gets a reference's route and cache key, remembered on the reference once it passed the scope check.</summary>
    public (ProviderRoute Route, SecretReference Key) Resolve(SecretReference reference, object owner)
    {
        // The memo is one object per route and store, shared by every reference that is its own cache key (not one per
        // reference: each cached secret's key would keep its own; docs/benchmarks.md, bookkeeping). A reference with
        // another key (a field, or no provider) keeps its key beside the shared memo, so a warm read allocates nothing.
        switch (reference.Route)
        {
            case RouteMemo memo when ReferenceEquals(memo.Owner, owner):
                return (memo.Route, reference);
            case KeyedRoute keyed when ReferenceEquals(keyed.Memo.Owner, owner):
                return (keyed.Memo.Route, keyed.Key);
        }

        var route = Route(reference, SecretAccessKind.CacheHit);
        var key = reference.GetCacheKey(route.Name);
        var shared = _memos.GetOrAdd(route, static (r, o) => new RouteMemo(o, r), owner);
        if (!ReferenceEquals(shared.Owner, owner))
        {
            shared = new RouteMemo(owner, route);
        }

        reference.Route = ReferenceEquals(key, reference) ? shared : new KeyedRoute(shared, key);
        return (route, key);
    }

    /// <summary>Finds a reference's provider and checks its scope.</summary>
    public ProviderRoute Route(SecretReference reference, SecretAccessKind kind)
    {
        ProviderRoute? route;
        if (reference.Provider is null)
        {
            route = _default ?? throw new InvalidSecretReferenceException(reference.ToString(), "it names no provider and the store has no default provider.", null);
        }
        else if (!_routes.TryGetValue(reference.Provider, out route))
        {
            throw UnknownProvider(reference.Provider, reference.ToString());
        }

        EnsureInScope(route, reference, kind);
        return route;
    }

    /// <summary>Finds a provider by name (null: the default) for an operation on no single secret, such as a listing.</summary>
    public ProviderRoute RouteProvider(string? provider, string what)
    {
        return provider is null
            ? _default ?? throw new InvalidSecretReferenceException(what, "no provider was named and the store has no default provider.", null)
            : _routes.TryGetValue(provider.ToLowerInvariant(), out var named) ? named : throw UnknownProvider(provider, what);
    }

    public void EnsureInScope(ProviderRoute route, SecretReference reference, SecretAccessKind kind)
    {
        if (!route.AllowedHere)
        {
            throw ScopeRefusal(route, reference, kind, route.Provider.Options.AllowedEnvironments);
        }

        if (reference.Environments.Count > 0 && !IsAllowed((ICollection<string>)reference.Environments, Environment))
        {
            throw ScopeRefusal(route, reference, kind, reference.Environments);
        }
    }

    /// <summary>
    /// A development source (a <c>.env</c> file, a CLI session) built by hand for another environment is refused by a store
    /// that runs in Production, as the DI registration refuses it (it hands the provider the store's Production environment).
    /// </summary>
    private static void RefuseDevelopmentSourceInProduction(SecretProvider provider, string environment)
    {
        if (SecretEnvironment.IsProduction(environment) && provider.Options.RefusedInProduction)
        {
            throw new SecretEnvironmentScopeException(
                $"The store runs in '{environment}' and refuses provider '{provider.Name}' ({provider.GetType().Name}), a development source configured for " +
                $"'{provider.Options.Environment ?? "its default environment"}'. Use a secret manager in production, or set AllowInProduction on the provider's options if this is intended.");
        }
    }

    private static bool IsAllowed(ICollection<string> allowed, string environment) =>
        allowed.Count == 0 || allowed.Contains(environment, StringComparer.OrdinalIgnoreCase);

    private static InvalidSecretReferenceException UnknownProvider(string provider, string reference) =>
        new(reference, $"no provider named '{provider}' is registered.", provider);

    private SecretEnvironmentScopeException ScopeRefusal(ProviderRoute route, SecretReference reference, SecretAccessKind kind, IEnumerable<string> allowed)
    {
        var error = new SecretEnvironmentScopeException(route.Name, reference.Path, Environment, allowed);
        _audit.Failure(route, reference, kind, error);
        Log.ScopeRefused(_logger, route.Name, reference.Path, Environment);
        return error;
    }

    /// <summary>A reference's routing through one store, shared by every reference routed to that provider.</summary>
    private sealed record RouteMemo(object Owner, ProviderRoute Route);

    /// <summary>The routing of a reference whose cache key is another reference.</summary>
    private sealed record KeyedRoute(RouteMemo Memo, SecretReference Key);
}
