using System.Text;

namespace Secrets.Client.Tests.Memory;

/// <summary>
/// A client process reads a canary through a store and one adapter (the backend's emulator runs here, in the test
/// process, so that only the client's memory is examined), uses it and keeps it cached; the canary must then be absent
/// from its /proc/&lt;pid&gt;/mem, a gcore core file and a createdump full dump. After eviction and a full GC it must be
/// gone from the whole readable address space, managed heap included.
/// </summary>
public sealed class SecretDumpTests
{
    [Theory]
    [InlineData("aws")]
    [InlineData("gcp")]
    [InlineData("vault")]
    [InlineData("dotenv")]
    public async Task A_cached_canary_is_in_no_dump_and_no_readable_memory_of_the_client(string provider)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var canary = "CANARY-dump-" + Guid.NewGuid().ToString("N");
        var patterns = Patterns(canary);
        var directory = Directory.CreateTempSubdirectory("secrets-dump-");
        try
        {
            await using var backend = await ProbeBackend.StartAsync(provider, canary, directory.FullName);
            await using var client = ProbeProcess.Start(["client", provider], backend.Variables);
            await client.WaitForLineAsync("READY");

            var found = new List<string>();
            found.AddRange(ProcessMemoryScanner.ScanFile(await ProcessMemoryScanner.GcoreAsync(client.Id, directory.FullName), patterns));
            if (KernelMemory.HasMemfdSecret)
            {
                // Without memfd_secret only MADV_DONTDUMP protects the value, which gcore honours and createdump and
                // /proc/<pid>/mem do not (docs/security.md): those two are checked where the kernel can pass them.
                var (live, refused) = ProcessMemoryScanner.ScanProcMem(client.Id, patterns);
                found.AddRange(live.Select(hit => "/proc/<pid>/mem " + hit));
                Assert.True(refused > 0, "The cached value's secretmem mapping should refuse the read.");
                found.AddRange(ProcessMemoryScanner.ScanFile(await ProcessMemoryScanner.CreateDumpAsync(client.Id, directory.FullName), patterns));
            }

            await client.SendAsync("evict");
            await client.WaitForLineAsync("EVICTED");
            var (evicted, _) = ProcessMemoryScanner.ScanProcMem(client.Id, patterns);
            found.AddRange(evicted.Select(hit => "after eviction, /proc/<pid>/mem " + hit));
            Assert.True(found.Count == 0, string.Join(", ", found));
            await client.SendAsync("exit");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The canary as UTF-8, as UTF-16 (a managed string) and as the base64 GCP sends.</summary>
    private static byte[][] Patterns(string canary) =>
    [
        Encoding.UTF8.GetBytes(canary),
        Encoding.Unicode.GetBytes(canary),
        Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(canary))[..40]),
    ];
}
