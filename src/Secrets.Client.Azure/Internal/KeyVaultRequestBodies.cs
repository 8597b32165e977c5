using Azure.Security.KeyVault.Secrets;

namespace Secrets.Client.Azure;

/// <summary>Builds what the Azure SDK sends. Its <see cref="KeyVaultSecret"/> takes the value as a managed string: the one copy this adapter cannot avoid.</summary>
internal static class KeyVaultRequestBodies
{
    /// <summary>A new version of a secret, with a content type and tags (those of the version it replaces, when rotating).</summary>
    public static KeyVaultSecret NewVersion(KeyVaultLocation location, SecretValue value, string? contentType, IDictionary<string, string>? tags)
    {
        var secret = new KeyVaultSecret(location.SecretName, value.ExposeAsString());
        secret.Properties.ContentType = contentType;
        if (tags is not null)
        {
            foreach (var (key, tag) in tags)
            {
                secret.Properties.Tags[key] = tag;
            }
        }

        return secret;
    }
}
