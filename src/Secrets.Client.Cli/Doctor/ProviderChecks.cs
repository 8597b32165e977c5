using Microsoft.Extensions.Configuration;

namespace Secrets.Client.Cli;

/// <summary>
/// Doctor's configuration checks: which credential each configured provider uses and whether it reaches its backend,
/// and Production-scoped references reachable from a Development configuration.
/// </summary>
internal static class ProviderChecks
{
    public const string Unreachable = "provider-unreachable";
    public const string ProductionFromDevelopment = "production-reference-in-development";

    public static IEnumerable<DoctorFinding> ProductionReferences(string configDirectory)
    {
        foreach (var name in new[] { "appsettings.json", "appsettings.Development.json" })
        {
            var path = Path.Combine(configDirectory, name);
            if (!File.Exists(path))
            {
                continue;
            }

            var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: true).Build();
            foreach (var (key, value) in configuration.AsEnumerable())
            {
                if (value is null)
                {
                    continue;
                }

                if (value.Contains("://", StringComparison.Ordinal) && SecretReference.TryParse(value, out var reference) && reference.Environments.Any(SecretEnvironment.IsProduction))
                {
                    yield return new DoctorFinding(ProductionFromDevelopment, name, null,
                        $"'{key}' refers to a Production-scoped secret in a file a Development run loads.",
                        "move it to appsettings.Production.json, and give Development its own secret (or a local .env) under a non-production reference.");
                }
                else if (key.StartsWith(ToolConfiguration.Section + ":Providers:", StringComparison.OrdinalIgnoreCase) && key.EndsWith(":Environment", StringComparison.OrdinalIgnoreCase)
                    && SecretEnvironment.IsProduction(value) && name.Contains("Development", StringComparison.Ordinal))
                {
                    yield return new DoctorFinding(ProductionFromDevelopment, name, null,
                        $"'{key}' scopes a provider to Production in the Development configuration: developers' credentials would be pointed at production.",
                        "remove the Production provider from appsettings.Development.json; use a development account or project.");
                }
            }
        }
    }

    public static async Task<IReadOnlyList<DoctorFinding>> ReachAsync(ToolConfiguration configuration, CliOutput output, CancellationToken cancellationToken)
    {
        var findings = new List<DoctorFinding>();
        if (ToolStore.ProvidersOf(configuration).Count == 0)
        {
            return findings;
        }

        var tool = ToolStore.Create(configuration);
            await using var toolScope = tool.ConfigureAwait(false);
        foreach (var provider in tool.Store.Providers)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            try
            {
                var identity = await provider.ResolveIdentityAsync(timeout.Token).ConfigureAwait(false);
                if (provider.SupportsListing)
                {
                    var listing = provider.ListSecretsAsync(null, timeout.Token).GetAsyncEnumerator(timeout.Token);
                    await using var listingScope = listing.ConfigureAwait(false);
                    _ = await listing.MoveNextAsync().ConfigureAwait(false);
                }

                output.Progress($"provider {provider.Name}: credential {identity ?? provider.Identity ?? "(none needed)"}; reaches its backend");
            }
            catch (Exception ex) when (ex is SecretStoreException or HttpRequestException or OperationCanceledException or InvalidOperationException or NotSupportedException)
            {
                findings.Add(new DoctorFinding(Unreachable, null, null,
                    $"provider '{provider.Name}' ({provider.GetType().Name}) cannot reach its backend with credential {provider.Identity ?? "(unresolved)"}: {ex.GetType().Name}: {ex.Message}",
                    "check the provider's endpoint/region and the identity the process runs as (docs/identity.md); `secrets get` shows the full error."));
            }
        }

        return findings;
    }
}
