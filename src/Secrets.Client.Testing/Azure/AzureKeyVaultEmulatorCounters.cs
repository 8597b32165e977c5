namespace Secrets.Client.Testing;

/// <summary>Counts what reached an <see cref="AzureKeyVaultEmulator"/>, so that tests can assert on retries and change checks.</summary>
public sealed class AzureKeyVaultEmulatorCounters
{
    internal const string Challenge = "challenge";
    internal const string ValueRead = "secrets.get";
    private readonly EmulatorTraffic _traffic;

    internal AzureKeyVaultEmulatorCounters(EmulatorTraffic traffic) => _traffic = traffic;

    /// <summary>Gets the number of authenticated requests, including those answered with an injected fault.</summary>
    public long Requests => _traffic.Requests - Challenges;

    /// <summary>Gets the number of requests answered with a 401 challenge (no token, or a token the emulator does not know).</summary>
    public long Challenges => _traffic.Count(Challenge);

    /// <summary>Gets the number of successful reads that returned a secret value.</summary>
    public long ValueReads => _traffic.Count(ValueRead);

    /// <summary>Sets every counter to zero.</summary>
    public void Reset() => _traffic.Reset();

    /// <inheritdoc/>
    public override string ToString() => _traffic.ToString();
}
