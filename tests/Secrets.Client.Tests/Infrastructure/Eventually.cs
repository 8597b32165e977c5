namespace Secrets.Client.Tests;

/// <summary>Waits (without sleeping) for work that completes on the thread pool, failing after a generous bound.</summary>
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
