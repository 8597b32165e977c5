namespace Secrets.Client.Local;

/// <summary>Works out which environment the application runs in and keeps local providers out of Production.</summary>
internal static class LocalEnvironment
{
    internal const string Production = "Production";

    /// <summary>Resolves the environment name: the configured one, else the hosting variables, else Production.</summary>
    /// <param name="configured">The name from the options, if any.</param>
    /// <returns>The environment name.</returns>
    internal static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }

        // A web host takes ASPNETCORE_ENVIRONMENT over DOTNET_ENVIRONMENT and a generic host reads only the latter; we
        // cannot tell which host this is, so Production in either wins.
        var aspNetCore = System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        var dotNet = System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT");
        if (IsProduction(aspNetCore) || IsProduction(dotNet))
        {
            return Production;
        }

        return NullIfBlank(aspNetCore) ?? NullIfBlank(dotNet) ?? Production;
    }

    /// <summary>Throws when the options resolve to Production and the provider is not allowed there.</summary>
    /// <param name="options">The provider's options.</param>
    /// <param name="description">What the provider reads, for the message (for example <c>.env file '/app/.env'</c>).</param>
    /// <returns>The resolved environment name.</returns>
    /// <exception cref="SecretEnvironmentScopeException">The environment is Production and <see cref="LocalSecretProviderOptions.AllowInProduction"/> is not set.</exception>
    internal static string EnsureAllowed(LocalSecretProviderOptions options, string description)
    {
        var environment = Resolve(options.Environment);
        if (IsProduction(environment) && !options.AllowInProduction)
        {
            throw new SecretEnvironmentScopeException(
                $"The local secret provider '{options.Name}' ({description}) refuses to run in the '{environment}' environment: local sources are meant for development. " +
                $"Use a secret manager in production, or set {nameof(LocalSecretProviderOptions.AllowInProduction)} = true on the provider's options if this is intended.");
        }

        return environment;
    }

    private static bool IsProduction(string? environment) =>
        string.Equals(environment?.Trim(), Production, StringComparison.OrdinalIgnoreCase);

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
