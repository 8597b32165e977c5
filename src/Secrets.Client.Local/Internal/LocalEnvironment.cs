namespace Secrets.Client.Local;

/// <summary>Works out which environment the application runs in and keeps local providers out of Production.</summary>
internal static class LocalEnvironment
{
    internal const string Production = SecretEnvironment.Production;

    /// <summary>Resolves the environment name (see <see cref="SecretEnvironment.Resolve(string?)"/>).</summary>
    /// <param name="configured">The name from the options, if any.</param>
    /// <returns>The environment name.</returns>
    internal static string Resolve(string? configured) => SecretEnvironment.Resolve(configured);

    /// <summary>Throws when the options resolve to Production and the provider is not allowed there.</summary>
    /// <param name="options">The provider's options.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="description">What the provider reads, for the message (for example <c>.env file '/app/.env'</c>).</param>
    /// <returns>The resolved environment name.</returns>
    /// <exception cref="SecretEnvironmentScopeException">The environment is Production and <see cref="LocalSecretProviderOptions.AllowInProduction"/> is not set.</exception>
    internal static string EnsureAllowed(LocalSecretProviderOptions options, string provider, string description)
    {
        var environment = options.ResolveEnvironment();
        if (IsProduction(environment) && !options.AllowInProduction)
        {
            throw new SecretEnvironmentScopeException(
                $"The local secret provider '{provider}' ({description}) refuses to run in the '{environment}' environment: local sources are meant for development. " +
                $"Use a secret manager in production, or set {nameof(LocalSecretProviderOptions.AllowInProduction)} = true on the provider's options if this is intended.");
        }

        return environment;
    }

    private static bool IsProduction(string? environment) => SecretEnvironment.IsProduction(environment);
}
