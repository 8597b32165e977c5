namespace Secrets.Client.Testing;

/// <summary>Counts what reached a <see cref="HashiCorpVaultEmulator"/>, so that tests can assert on logins, renewals, retries and change checks.</summary>
public sealed class HashiCorpVaultEmulatorCounters : EmulatorCounters
{
    internal const string LoginOperation = "auth.login";
    internal const string RenewalOperation = "auth.renew-self";
    internal const string ValueReadOperation = "kv.read";
    internal const string MetadataReadOperation = "kv.metadata.read";
    internal const string WriteOperation = "kv.write";
    internal const string PermissionDeniedOperation = "permission-denied";
    internal const string SubscribeOperation = "sys.events.subscribe";
    private string? _lastNamespace;

    internal HashiCorpVaultEmulatorCounters(EmulatorTraffic traffic)
        : base(traffic)
    {
    }

    /// <summary>Gets the number of requests that reached the emulator (logins and injected faults included).</summary>
    public long Requests => Traffic.Requests;

    /// <summary>Gets the number of successful logins (Kubernetes or AppRole).</summary>
    public long Logins => Traffic.Count(LoginOperation);

    /// <summary>Gets the number of successful <c>renew-self</c> calls.</summary>
    public long Renewals => Traffic.Count(RenewalOperation);

    /// <summary>Gets the number of KV reads that returned a secret's data.</summary>
    public long ValueReads => Traffic.Count(ValueReadOperation);

    /// <summary>Gets the number of successful KV metadata reads.</summary>
    public long MetadataReads => Traffic.Count(MetadataReadOperation);

    /// <summary>Gets the number of KV versions written through the API (writes and patches).</summary>
    public long Writes => Traffic.Count(WriteOperation);

    /// <summary>Gets the number of requests refused with 403 (missing, unknown, revoked or expired token; a path its policies deny; failed Kubernetes login).</summary>
    public long PermissionDenied => Traffic.Count(PermissionDeniedOperation);

    /// <summary>Gets the <c>X-Vault-Namespace</c> header of the last request that carried one.</summary>
    public string? LastNamespace => Volatile.Read(ref _lastNamespace);

    /// <summary>Sets every counter to zero and forgets the last namespace.</summary>
    public override void Reset()
    {
        base.Reset();
        Volatile.Write(ref _lastNamespace, null);
    }

    internal void SeeNamespace(string value) => Volatile.Write(ref _lastNamespace, value);
}
