namespace Secrets.Client.Testing;

/// <summary>
/// What the identity emulators (<see cref="AwsIdentityEmulator"/>, <see cref="AzureIdentityEmulator"/>,
/// <see cref="GcpIdentityEmulator"/>) share on top of <see cref="LoopbackEmulator"/>: the ledger of what they issued
/// (which expires by <see cref="IdentityEmulatorOptions.CredentialLifetime"/> on their clock), the log of the requests
/// they answered, and the canary list of everything secret they handed out. All members are thread-safe.
/// </summary>
public abstract class IdentityEmulator : LoopbackEmulator
{
    private protected IdentityEmulator(IdentityEmulatorOptions options, IdentityProtocol protocol)
        : base(protocol)
    {
        Ledger = new IssuedCredentialLedger(options);
        Calls = new IdentityCallLog(options.TimeProvider);
    }

    /// <summary>Gets the requests answered so far, in order.</summary>
    public IReadOnlyList<IdentityCall> Requests => Calls.Snapshot;

    internal IssuedCredentialLedger Ledger { get; }

    internal IdentityCallLog Calls { get; }

    internal EmulatedJwt Jwt { get; } = new();

    /// <summary>Gets every secret value issued so far (tokens, keys), for canary scans of captured output.</summary>
    /// <returns>The values.</returns>
    public virtual IReadOnlyList<string> IssuedSecrets() => [.. Ledger.IssuedValues()];
}
