using System.Collections.Concurrent;

namespace Secrets.Client.Testing;

/// <summary>
/// What reached an emulator: every request, counts per operation (for example <c>GetSecretValue</c>,
/// <c>secrets.get</c>, <c>kv.read</c>) and the principals requests came from. Thread-safe.
/// </summary>
public sealed class EmulatorTraffic
{
    private readonly ConcurrentDictionary<string, long> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _principals = new(StringComparer.Ordinal);
    private long _requests;
    private EmulatorPrincipal? _lastPrincipal;

    internal EmulatorTraffic()
    {
    }

    /// <summary>Gets how many HTTP requests reached the emulator, whatever their outcome.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the principal of the last authenticated request, if any.</summary>
    public EmulatorPrincipal? LastPrincipal => Volatile.Read(ref _lastPrincipal);

    /// <summary>Gets the names of every principal requests came from (anonymous ones excluded), in no particular order.</summary>
    public IReadOnlyCollection<string> Principals => [.. _principals.Keys];

    /// <summary>Gets how many times an operation happened.</summary>
    /// <param name="operation">The operation's name, as the emulator documents it.</param>
    /// <returns>The count.</returns>
    public long Count(string operation) => _operations.TryGetValue(operation, out var count) ? count : 0;

    /// <summary>Sets every count to zero and forgets the principals.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        _operations.Clear();
        _principals.Clear();
        Volatile.Write(ref _lastPrincipal, null);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"requests={Requests}" + string.Concat(_operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $", {o.Key}={o.Value}"));

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountOperation(string operation) => _operations.AddOrUpdate(operation, 1, static (_, count) => count + 1);

    internal void SeePrincipal(EmulatorPrincipal principal)
    {
        if (!ReferenceEquals(principal, EmulatorPrincipal.Anonymous))
        {
            _principals.TryAdd(principal.Name, 0);
            Volatile.Write(ref _lastPrincipal, principal);
        }
    }
}
