using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Secrets.Client.Transport;

namespace Secrets.Client.Azure;

/// <summary>
/// What <c>secrets-emulator azure --print-env</c> prints, read so that an app pointed at the emulator works with no code:
/// <c>AZURE_KEYVAULT_TOKEN</c> (the bearer token it accepts) and <c>AZURE_KEYVAULT_CERTIFICATE_PEM</c> (its self-signed
/// certificate, trusted exactly). Both are honoured only when <c>AZURE_KEYVAULT_URL</c> names a loopback vault, so a
/// stray variable can neither send a static token to Azure nor weaken certificate checks for a real vault.
/// </summary>
internal static class KeyVaultEmulatorEnvironment
{
    public static TokenCredential? Credential(Uri? environmentVault) =>
        environmentVault is { IsLoopback: true } && Read(AzureKeyVaultSecretProvider.EmulatorTokenVariable) is { } token ? new StaticTokenCredential(token) : null;

    /// <summary>A handler that trusts exactly the emulator's certificate (by SHA-256 thumbprint), or null when none is named.</summary>
    /// <exception cref="ArgumentException">The file cannot be read as a PEM certificate.</exception>
    public static SocketsHttpHandler? PinnedHandler(Uri? environmentVault)
    {
        if (environmentVault is not { IsLoopback: true } || Read(AzureKeyVaultSecretProvider.EmulatorCertificateVariable) is not { } path)
        {
            return null;
        }

        string pinned;
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ArgumentException($"{AzureKeyVaultSecretProvider.EmulatorCertificateVariable} names '{path}', which is not a readable PEM certificate.", ex);
        }

        var handler = SecretHttpTransport.CreateHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
            presented is not null && string.Equals(presented.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase);
        return handler;
    }

    private static string? Read(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value.Trim() : null;

    /// <summary>The emulator's fixed bearer token; it never expires for the emulator, so it is handed out for an hour at a time.</summary>
    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
