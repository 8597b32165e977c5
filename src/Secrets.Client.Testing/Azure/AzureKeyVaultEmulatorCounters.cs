namespace Secrets.Client.Testing;

/// <summary>Counts what reached an <see cref="AzureKeyVaultEmulator"/>, so that tests can assert on retries and change checks.</summary>
public sealed class AzureKeyVaultEmulatorCounters
{
    private long _requests;
    private long _challenges;
    private long _valueReads;

    internal AzureKeyVaultEmulatorCounters()
    {
    }

    /// <summary>Gets the number of authenticated requests, including those answered with an injected fault.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the number of requests answered with a 401 challenge (no token, or a token the emulator does not know).</summary>
    public long Challenges => Interlocked.Read(ref _challenges);

    /// <summary>Gets the number of successful reads that returned a secret value.</summary>
    public long ValueReads => Interlocked.Read(ref _valueReads);

    /// <summary>Sets every counter to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _challenges, 0);
        Interlocked.Exchange(ref _valueReads, 0);
    }

    /// <inheritdoc/>
    public override string ToString() => $"requests={Requests}, challenges={Challenges}, valueReads={ValueReads}";

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountChallenge() => Interlocked.Increment(ref _challenges);

    internal void CountValueRead() => Interlocked.Increment(ref _valueReads);
}
