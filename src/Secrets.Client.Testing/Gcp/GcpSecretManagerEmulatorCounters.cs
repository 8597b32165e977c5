namespace Secrets.Client.Testing;

/// <summary>Counts what reached a <see cref="GcpSecretManagerEmulator"/>, so that tests can assert on retries and change checks.</summary>
public sealed class GcpSecretManagerEmulatorCounters : EmulatorCounters
{
    internal const string Unauthenticated401 = "unauthenticated";
    internal const string Access = "access";

    internal GcpSecretManagerEmulatorCounters(EmulatorTraffic traffic)
        : base(traffic)
    {
    }

    /// <summary>Gets the number of requests served (authenticated, or any when anonymous access is allowed), injected faults included.</summary>
    public long Requests => Traffic.Requests - Unauthenticated;

    /// <summary>Gets the number of requests refused with 401 <c>UNAUTHENTICATED</c> (no bearer token, or the wrong one).</summary>
    public long Unauthenticated => Traffic.Count(Unauthenticated401);

    /// <summary>Gets the number of successful <c>:access</c> calls, which return a secret value.</summary>
    public long Accesses => Traffic.Count(Access);
}
