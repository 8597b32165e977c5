using Microsoft.Extensions.Logging;
using Secrets.Client.Transport;
using KeyVaultSecretProperties = Azure.Security.KeyVault.Secrets.SecretProperties;

namespace Secrets.Client.Azure;

/// <summary>
/// Which secrets the provider hands out: enabled, within their validity period (on the provider's clock), and tagged for
/// this environment when environment tagging is on. Refusals are typed errors that name the secret and the reason.
/// </summary>
internal sealed class KeyVaultAccessRules(string provider, AzureKeyVaultSecretProviderOptions options, string environment, TimeProvider time, ILogger logger)
{
    public bool Allows(KeyVaultSecretProperties properties) => UsabilityProblem(properties) is null && ScopeProblem(properties) is null;

    public void EnsureUsable(KeyVaultLocation location, KeyVaultSecretProperties properties)
    {
        if (UsabilityProblem(properties) is { } problem)
        {
            AzureKeyVaultLog.NotUsable(logger, location.DisplayName, location.Vault, problem.Reason);
            throw new SecretNotFoundException(provider, location.DisplayName, $"It is {problem.Reason}.") { ErrorCode = problem.Code };
        }

        EnsureInScope(location, properties);
    }

    public void EnsureInScope(KeyVaultLocation location, KeyVaultSecretProperties properties)
    {
        if (ScopeProblem(properties) is { } allowed)
        {
            SecretProviderLog.OutOfScope(logger, provider, location.DisplayName, "vault " + location.Vault, allowed, environment);
            throw new SecretEnvironmentScopeException(
                $"Access to secret '{location.DisplayName}' in provider '{provider}' was denied: it is tagged {options.EnvironmentTagName}={allowed} and this process runs in '{environment}'.")
            {
                ErrorCode = "EnvironmentScope",
            };
        }
    }

    public (string Reason, string Code)? UsabilityProblem(KeyVaultSecretProperties properties)
    {
        if (properties.Enabled == false)
        {
            return ("disabled", "SecretDisabled");
        }

        var now = time.GetUtcNow();
        if (properties.NotBefore is { } notBefore && notBefore > now)
        {
            return ($"not valid before {notBefore:O}", "SecretNotYetValid");
        }

        if (properties.ExpiresOn is { } expiresOn && expiresOn <= now)
        {
            return ($"expired since {expiresOn:O}", "SecretExpired");
        }

        return null;
    }

    private string? ScopeProblem(KeyVaultSecretProperties properties)
    {
        if (options.EnvironmentTagName is not { } tagName || !properties.Tags.TryGetValue(tagName, out var allowed) || string.IsNullOrWhiteSpace(allowed))
        {
            return null;
        }

        foreach (var listed in allowed.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (string.Equals(listed, environment, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return allowed;
    }
}
