namespace Secrets.Client.Testing;

/// <summary>Counts what reached a <see cref="GcpSecretManagerEmulator"/>, so that tests can assert on retries and change checks.</summary>
public sealed class GcpSecretManagerEmulatorCounters
{
    private long _requests;
    private long _unauthenticated;
    private long _accesses;

    internal GcpSecretManagerEmulatorCounters()
    {
    }

    /// <summary>Gets the number of authenticated requests, including those answered with an injected fault.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the number of requests refused with 401 <c>UNAUTHENTICATED</c> (no bearer token, or the wrong one).</summary>
    public long Unauthenticated => Interlocked.Read(ref _unauthenticated);

    /// <summary>Gets the number of successful <c>:access</c> calls, which return a secret value.</summary>
    public long Accesses => Interlocked.Read(ref _accesses);

    /// <summary>Sets every counter to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _unauthenticated, 0);
        Interlocked.Exchange(ref _accesses, 0);
    }

    /// <inheritdoc/>
    public override string ToString() => $"requests={Requests}, unauthenticated={Unauthenticated}, accesses={Accesses}";

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountUnauthenticated() => Interlocked.Increment(ref _unauthenticated);

    internal void CountAccess() => Interlocked.Increment(ref _accesses);
}
