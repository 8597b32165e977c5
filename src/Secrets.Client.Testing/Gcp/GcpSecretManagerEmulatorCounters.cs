namespace Secrets.Client.Testing;

/// <summary>Counts what reached a <see cref="GcpSecretManagerEmulator"/>, so that tests can assert on retries and change checks.</summary>
public sealed class GcpSecretManagerEmulatorCounters
{
    internal const string Unauthenticated401 = "unauthenticated";
    internal const string Access = "access";
    private readonly EmulatorTraffic _traffic;

    internal GcpSecretManagerEmulatorCounters(EmulatorTraffic traffic) => _traffic = traffic;

    /// <summary>Gets the number of authenticated (or, when allowed, anonymous) requests, including those answered with an injected fault.</summary>
    public long Requests => _traffic.Requests - Unauthenticated;

    /// <summary>Gets the number of requests refused with 401 <c>UNAUTHENTICATED</c> (no bearer token, or the wrong one).</summary>
    public long Unauthenticated => _traffic.Count(Unauthenticated401);

    /// <summary>Gets the number of successful <c>:access</c> calls, which return a secret value.</summary>
    public long Accesses => _traffic.Count(Access);

    /// <summary>Sets every counter to zero.</summary>
    public void Reset() => _traffic.Reset();

    /// <inheritdoc/>
    public override string ToString() => _traffic.ToString();
}
