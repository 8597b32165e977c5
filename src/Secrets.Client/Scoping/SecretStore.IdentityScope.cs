using System.Text.RegularExpressions;

namespace Secrets.Client;

/// <content>Production-identity scoping: a provider that authenticates as a production identity is refused outside Production.</content>
public partial class SecretStore
{
    /// <summary>
    /// Refuses, before any secret request, a provider whose identity matches one of its
    /// <see cref="SecretProviderOptions.ProductionIdentities"/> while the store runs outside Production. Resolving the
    /// identity may call the platform's identity service (never the secret manager); a failure to resolve it fails the
    /// request, since an unknown identity cannot be shown not to be a production one.
    /// </summary>
    private async ValueTask EnsureIdentityInScopeAsync(ProviderSlot slot, SecretReference reference, SecretAccessKind kind, CancellationToken cancellationToken)
    {
        var patterns = slot.Provider.Options.ProductionIdentities;
        if (patterns.Count == 0 || SecretEnvironment.IsProduction(_environment))
        {
            return;
        }

        var identity = await slot.Provider.ResolveIdentityAsync(cancellationToken).ConfigureAwait(false);
        var match = identity is null ? null : patterns.FirstOrDefault(pattern => Matches(pattern, identity));
        if (match is null)
        {
            return;
        }

        var error = new SecretEnvironmentScopeException(
            $"Access to secret '{reference.Path}' of provider '{slot.Provider.Name}' was refused: the provider authenticates as '{identity}', " +
            $"a production identity (it matches '{match}'), and this process runs in '{_environment}'. No secret request was sent.")
        {
            ErrorCode = "ProductionIdentityOutsideProduction",
        };
        AuditFailure(slot, reference, kind, error);
        Log.ScopeRefused(_logger, slot.Provider.Name, reference.Path, _environment);
        throw error;
    }

    private static bool Matches(string pattern, string identity) =>
        Regex.IsMatch(identity, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
