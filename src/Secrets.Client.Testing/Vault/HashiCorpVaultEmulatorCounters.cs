namespace Secrets.Client.Testing;

/// <summary>Counts what reached a <see cref="HashiCorpVaultEmulator"/>, so that tests can assert on logins, renewals, retries and change checks.</summary>
public sealed class HashiCorpVaultEmulatorCounters
{
    private long _requests;
    private long _logins;
    private long _renewals;
    private long _valueReads;
    private long _metadataReads;
    private long _writes;
    private long _permissionDenied;
    private string? _lastNamespace;

    internal HashiCorpVaultEmulatorCounters()
    {
    }

    /// <summary>Gets the number of requests that reached the emulator (logins and injected faults included).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the number of successful logins (Kubernetes or AppRole).</summary>
    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>Gets the number of successful <c>renew-self</c> calls.</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    /// <summary>Gets the number of KV reads that returned a secret's data.</summary>
    public long ValueReads => Interlocked.Read(ref _valueReads);

    /// <summary>Gets the number of successful KV metadata reads.</summary>
    public long MetadataReads => Interlocked.Read(ref _metadataReads);

    /// <summary>Gets the number of KV versions written through the API.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Gets the number of requests refused with 403 (missing, unknown, revoked or expired token; failed Kubernetes login).</summary>
    public long PermissionDenied => Interlocked.Read(ref _permissionDenied);

    /// <summary>Gets the <c>X-Vault-Namespace</c> header of the last request that carried one.</summary>
    public string? LastNamespace => Volatile.Read(ref _lastNamespace);

    /// <summary>Sets every counter to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _logins, 0);
        Interlocked.Exchange(ref _renewals, 0);
        Interlocked.Exchange(ref _valueReads, 0);
        Interlocked.Exchange(ref _metadataReads, 0);
        Interlocked.Exchange(ref _writes, 0);
        Interlocked.Exchange(ref _permissionDenied, 0);
        Volatile.Write(ref _lastNamespace, null);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"requests={Requests}, logins={Logins}, renewals={Renewals}, valueReads={ValueReads}, metadataReads={MetadataReads}, writes={Writes}, permissionDenied={PermissionDenied}";

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountLogin() => Interlocked.Increment(ref _logins);

    internal void CountRenewal() => Interlocked.Increment(ref _renewals);

    internal void CountValueRead() => Interlocked.Increment(ref _valueReads);

    internal void CountMetadataRead() => Interlocked.Increment(ref _metadataReads);

    internal void CountWrite() => Interlocked.Increment(ref _writes);

    internal void CountPermissionDenied() => Interlocked.Increment(ref _permissionDenied);

    internal void SeeNamespace(string value) => Volatile.Write(ref _lastNamespace, value);
}
