using System.Text.RegularExpressions;

namespace Secrets.Client;

/// <content>
/// Production-identity scoping: a provider whose identity matches one of its
/// <see cref="SecretProviderOptions.ProductionIdentities"/> is refused outside Production, before any secret request.
/// </content>
internal sealed partial class ProviderRoute
{
    private readonly string _environment;
    private readonly bool _checkIdentity;

    private async ValueTask<TResult> CheckIdentityThenCallAsync<TState, TResult>(Func<SecretProvider, TState, CancellationToken, ValueTask<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        await EnsureIdentityInScopeAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(call, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves the provider's identity (which may ask the platform's identity service, never the secret manager) and
    /// refuses a production one outside Production. An identity that cannot be resolved fails the call: it cannot be
    /// shown not to be a production one.
    /// </summary>
    private async ValueTask EnsureIdentityInScopeAsync(CancellationToken cancellationToken)
    {
        if (!_checkIdentity)
        {
            return;
        }

        var identity = await Provider.ResolveIdentityAsync(cancellationToken).ConfigureAwait(false);
        var match = identity is null ? null : Provider.Options.ProductionIdentities.FirstOrDefault(pattern => Matches(pattern, identity));
        if (match is not null)
        {
            throw new SecretEnvironmentScopeException(
                $"Provider '{Name}' authenticates as '{identity}', a production identity (it matches '{match}'), and this process runs in '{_environment}'. No secret request was sent.")
            {
                ErrorCode = "ProductionIdentityOutsideProduction",
            };
        }
    }

    private static bool Matches(string pattern, string identity) =>
        Regex.IsMatch(identity, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
