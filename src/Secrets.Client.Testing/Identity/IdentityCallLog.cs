using System.Collections.Concurrent;

namespace Secrets.Client.Testing;

/// <summary>The calls an identity emulator answered, in order. Thread-safe; tests can await a call (no polling).</summary>
internal sealed class IdentityCallLog
{
    private readonly ConcurrentQueue<IdentityCall> _calls = new();
    private readonly List<(Func<IReadOnlyList<IdentityCall>, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private readonly TimeProvider _time;

    public IdentityCallLog(TimeProvider time) => _time = time;

    public IReadOnlyList<IdentityCall> Snapshot => [.. _calls];

    public void Succeeded(string operation, string? principal) => Add(new IdentityCall(operation, principal, null, _time.GetUtcNow()));

    public void Failed(string operation, string failure, string? principal = null) => Add(new IdentityCall(operation, principal, failure, _time.GetUtcNow()));

    /// <summary>Completes once <paramref name="condition"/> holds for the calls recorded so far.</summary>
    public Task WhenAsync(Func<IReadOnlyList<IdentityCall>, bool> condition, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (condition(Snapshot))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    private void Add(IdentityCall call)
    {
        _calls.Enqueue(call);
        lock (_waiters)
        {
            var snapshot = Snapshot;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(snapshot))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
