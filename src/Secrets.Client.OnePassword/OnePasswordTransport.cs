namespace Secrets.Client.OnePassword;

/// <summary>How <see cref="OnePasswordSecretProvider"/> reaches 1Password.</summary>
public enum OnePasswordTransport
{
    /// <summary>
    /// The 1Password CLI (<c>op</c>), signed in through the desktop app's integration or a service-account token
    /// (<c>OP_SERVICE_ACCOUNT_TOKEN</c>): a developer's session, so refused in Production unless allowed.
    /// </summary>
    Cli,

    /// <summary>A 1Password Connect server's REST API with a Connect token: a production-capable backend.</summary>
    Connect,
}
