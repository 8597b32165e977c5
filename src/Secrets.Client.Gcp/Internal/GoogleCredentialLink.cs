using System.Net.Http;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;

namespace Secrets.Client.Gcp;

/// <summary>
/// Names the principal a Google credential acts as (the service account e-mail the API sees) and the link of
/// Application Default Credentials that failed, in words that never hold a token.
/// </summary>
internal static class GoogleCredentialLink
{
    private const string ImpersonationMarker = "/serviceAccounts/";

    /// <summary>Resolves the e-mail (or, for a federated identity that impersonates no one, the pool audience) the credential acts as; null when the credential does not say.</summary>
    public static async Task<string?> ResolvePrincipalAsync(GoogleCredential credential, CancellationToken cancellationToken) => credential.UnderlyingCredential switch
    {
        // The metadata server says which service account the instance runs as.
        ComputeCredential compute => (await compute.GetDefaultServiceAccountEmailAsync(cancellationToken).ConfigureAwait(false)).Trim(),
        ServiceAccountCredential serviceAccount => serviceAccount.Id,
        ImpersonatedCredential impersonated => impersonated.TargetPrincipal,
        ExternalAccountCredential external => ImpersonatedEmail(external.ServiceAccountImpersonationUrl) ?? "external account of " + external.Audience,
        _ => null,
    };

    /// <summary>Explains a failure to get a token, naming the link: the credential file, the subject token file, the metadata server or the token service.</summary>
    public static string Explain(Exception exception)
    {
        var credentialFile = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        var metadataHost = Environment.GetEnvironmentVariable("GCE_METADATA_HOST");
        var chain = Chain(exception).ToList();
        if (credentialFile is { Length: > 0 } && !File.Exists(credentialFile))
        {
            return $"the credential configuration file '{credentialFile}' (GOOGLE_APPLICATION_CREDENTIALS) is missing";
        }

        if (chain.Any(e => e is FileNotFoundException or DirectoryNotFoundException))
        {
            var name = chain.OfType<FileNotFoundException>().FirstOrDefault()?.FileName;
            return "the external account's subject token file is missing (credential_source.file in GOOGLE_APPLICATION_CREDENTIALS)"
                + (name is not null ? $": '{name}'" : string.Empty);
        }

        if (chain.OfType<TokenResponseException>().FirstOrDefault() is { } refused)
        {
            var who = credentialFile is { Length: > 0 } ? "the token service (STS token exchange or IAM generateAccessToken)" : "the metadata server";
            return $"{who} refused the token request: {refused.Error?.Error}{(refused.Error?.ErrorDescription is { Length: > 0 } description ? " (" + description + ")" : string.Empty)}";
        }

        if (metadataHost is { Length: > 0 } && (chain.OfType<HttpRequestException>().Any() || exception is InvalidOperationException))
        {
            return $"the metadata server at '{metadataHost}' (GCE_METADATA_HOST) is unreachable or is not a GCE metadata server";
        }

        return chain[^1].Message;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static string? ImpersonatedEmail(string? url)
    {
        var start = url?.IndexOf(ImpersonationMarker, StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return null;
        }

        var email = url![(start + ImpersonationMarker.Length)..];
        var colon = email.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? email[..colon] : email;
    }
}
