namespace Secrets.Client.Testing;

/// <summary>Counts what reached an <see cref="AzureKeyVaultEmulator"/>, so that tests can assert on retries and change checks.</summary>
public sealed class AzureKeyVaultEmulatorCounters : EmulatorCounters
{
    internal const string Challenge = "challenge";
    internal const string ValueRead = "secrets.get";

    internal AzureKeyVaultEmulatorCounters(EmulatorTraffic traffic)
        : base(traffic)
    {
    }

    /// <summary>Gets the number of authenticated requests, including those answered with an injected fault.</summary>
    public long Requests => Traffic.Requests - Challenges;

    /// <summary>Gets the number of requests answered with a 401 challenge (no token, or a token the emulator does not know).</summary>
    public long Challenges => Traffic.Count(Challenge);

    /// <summary>Gets the number of successful reads that returned a secret value.</summary>
    public long ValueReads => Traffic.Count(ValueRead);
}
