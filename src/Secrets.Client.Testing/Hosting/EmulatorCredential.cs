namespace Secrets.Client.Testing;

/// <summary>
/// The credential one request to an emulator carried, handed to an <see cref="EmulatorAuthenticator"/>: a bearer token
/// (Azure, GCP), an AWS access key id (with its session token, if any), or a Vault token or login credential.
/// </summary>
public sealed class EmulatorCredential
{
    /// <summary>Initializes a new instance of the <see cref="EmulatorCredential"/> class.</summary>
    /// <param name="kind">What the value is: one of the <c>…Kind</c> constants.</param>
    /// <param name="value">The token, access key id or login credential.</param>
    /// <param name="sessionToken">The AWS session token (<c>X-Amz-Security-Token</c>), if the request carried one.</param>
    public EmulatorCredential(string kind, string value, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(value);
        Kind = kind;
        Value = value;
        SessionToken = sessionToken;
    }

    /// <summary>A bearer token from <c>Authorization: Bearer</c> (Azure Key Vault, GCP Secret Manager).</summary>
    public const string BearerKind = "bearer";

    /// <summary>An AWS access key id from a SigV4 <c>Authorization</c> header; the principal returned must carry <see cref="EmulatorPrincipal.SigningKey"/>.</summary>
    public const string AwsAccessKeyKind = "aws-access-key";

    /// <summary>A Vault token from <c>X-Vault-Token</c> (or <c>Authorization: Bearer</c>) that the emulator did not issue itself.</summary>
    public const string VaultTokenKind = "vault-token";

    /// <summary>The service account JWT of a Vault Kubernetes login.</summary>
    public const string KubernetesJwtKind = "kubernetes-jwt";

    /// <summary>Gets what <see cref="Value"/> is (see the <c>…Kind</c> constants).</summary>
    public string Kind { get; }

    /// <summary>Gets the token, access key id or login credential.</summary>
    public string Value { get; }

    /// <summary>Gets the AWS session token, if any.</summary>
    public string? SessionToken { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} credential";
}
