using Azure.Security.KeyVault.Secrets;
using KeyVaultSecretProperties = Azure.Security.KeyVault.Secrets.SecretProperties;

namespace Secrets.Client.Azure;

/// <summary>
/// Turns the Azure SDK's secrets into the SDK's: the value into secret memory (decoded from base64 for the content types
/// configured as binary) and the metadata into <see cref="SecretProperties"/>.
/// </summary>
internal sealed class KeyVaultResponseReader(string provider, AzureKeyVaultSecretProviderOptions options)
{
    public SecretValue ToSecretValue(KeyVaultLocation location, KeyVaultSecret secret)
    {
        var text = secret.Value ?? string.Empty;
        var contentType = secret.Properties.ContentType;
        if (contentType is null || !options.Base64ContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
        {
            return SecretValue.FromText(text);
        }

        try
        {
            return SecretValue.Create(((text.Length + 3) / 4) * 3, text, static (destination, base64) =>
                Convert.TryFromBase64String(base64, destination, out var written) ? written : throw new FormatException());
        }
        catch (FormatException)
        {
            throw new SecretFormatException(provider, location.DisplayName, $"Its content type is '{contentType}' but its value is not valid base64.") { ErrorCode = "InvalidBase64" };
        }
    }

    public SecretProperties ToProperties(string displayName, KeyVaultSecretProperties properties) =>
        new(provider, displayName)
        {
            Version = properties.Version,
            CreatedOn = properties.CreatedOn,
            UpdatedOn = properties.UpdatedOn,
            ExpiresOn = properties.ExpiresOn,
            ContentType = properties.ContentType,
            Tags = new Dictionary<string, string>(properties.Tags, StringComparer.Ordinal),
        };
}
