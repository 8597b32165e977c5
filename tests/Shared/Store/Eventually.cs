namespace Secrets.Client;

/// <summary>
/// Waits (yielding, not sleeping a fixed time) for work that completes on the thread pool or in another component,
/// failing after a generous bound; linked by the test projects that need it (tests/Shared/Store is not in every project).
/// </summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }

            await Task.Yield();
            await Task.Delay(1);
        }
    }
}
