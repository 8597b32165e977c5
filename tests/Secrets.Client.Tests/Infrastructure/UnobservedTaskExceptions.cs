namespace Secrets.Client.Tests;

/// <summary>
/// Counts <see cref="TaskScheduler.UnobservedTaskException"/> events whose exception mentions <see cref="Tag"/> (a name
/// only this test uses, since the event is process-wide and tests run in parallel).
/// </summary>
internal sealed class UnobservedTaskExceptions : IDisposable
{
    private int _count;

    public UnobservedTaskExceptions(string prefix)
    {
        Tag = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        TaskScheduler.UnobservedTaskException += OnUnobserved;
    }

    public string Tag { get; }

    /// <summary>Forces full collections (so that abandoned faulted tasks are finalized) and returns the count.</summary>
    public async Task<int> CountAfterFullGcsAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(1);
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return Volatile.Read(ref _count);
    }

    public void Dispose() => TaskScheduler.UnobservedTaskException -= OnUnobserved;

    private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs args)
    {
        if (args.Exception.ToString().Contains(Tag, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
