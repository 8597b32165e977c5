namespace Secrets.Client;

/// <summary>
/// Works out which environment the application runs in, the same way for every package: the configured name, else the
/// hosting variables, else <c>Production</c> (the hosting default, and the safe one for scoping).
/// </summary>
public static class SecretEnvironment
{
    /// <summary>The production environment name.</summary>
    public const string Production = "Production";

    /// <summary>Resolves the environment name.</summary>
    /// <param name="configured">A name set explicitly (options or <c>IHostEnvironment</c>), if any; it wins.</param>
    /// <returns>
    /// The configured name; else <c>Production</c> when <c>ASPNETCORE_ENVIRONMENT</c> or <c>DOTNET_ENVIRONMENT</c> says so
    /// (a web host prefers the first, a generic host reads only the second, and a library cannot tell which host it is in,
    /// so Production in either wins); else whichever of them is set; else <c>Production</c>.
    /// </returns>
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }

        var aspNetCore = System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        var dotNet = System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT");
        if (IsProduction(aspNetCore) || IsProduction(dotNet))
        {
            return Production;
        }

        return NullIfBlank(aspNetCore) ?? NullIfBlank(dotNet) ?? Production;
    }

    /// <summary>Tells whether a name is <c>Production</c> (case-insensitive, trimmed).</summary>
    /// <param name="environment">The name.</param>
    /// <returns><see langword="true"/> for Production.</returns>
    public static bool IsProduction(string? environment) =>
        string.Equals(environment?.Trim(), Production, StringComparison.OrdinalIgnoreCase);

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
