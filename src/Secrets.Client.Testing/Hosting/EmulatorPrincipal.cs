namespace Secrets.Client.Testing;

/// <summary>Who made a request to an emulator, as its <see cref="EmulatorAuthenticator"/> decided.</summary>
public sealed class EmulatorPrincipal
{
    /// <summary>Initializes a new instance of the <see cref="EmulatorPrincipal"/> class.</summary>
    /// <param name="name">The principal's name, for example an ARN, a service account e-mail or a client id.</param>
    /// <param name="signingKey">For AWS: the secret access key the request's signature must verify with.</param>
    public EmulatorPrincipal(string name, string? signingKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        SigningKey = signingKey;
    }

    /// <summary>Gets the principal's name.</summary>
    public string Name { get; }

    /// <summary>Gets the secret access key an AWS request's SigV4 signature must verify with; unused by the other emulators.</summary>
    public string? SigningKey { get; }

    /// <summary>Gets the principal of requests that need no credential (health checks, logins).</summary>
    public static EmulatorPrincipal Anonymous { get; } = new("anonymous");

    /// <inheritdoc/>
    public override string ToString() => Name;
}
