using System.Collections.Concurrent;

namespace Secrets.Client.Testing;

/// <summary>The calls an identity emulator answered, in order. Thread-safe.</summary>
internal sealed class IdentityCallLog
{
    private readonly ConcurrentQueue<IdentityCall> _calls = new();
    private readonly TimeProvider _time;

    public IdentityCallLog(TimeProvider time) => _time = time;

    public IReadOnlyList<IdentityCall> Snapshot => [.. _calls];

    public void Succeeded(string operation, string? principal) => _calls.Enqueue(new IdentityCall(operation, principal, null, _time.GetUtcNow()));

    public void Failed(string operation, string failure, string? principal = null) => _calls.Enqueue(new IdentityCall(operation, principal, failure, _time.GetUtcNow()));
}
