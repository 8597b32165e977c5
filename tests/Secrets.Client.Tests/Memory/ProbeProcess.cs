using System.Diagnostics;

namespace Secrets.Client.Tests.Memory;

/// <summary>Runs Secrets.Client.MemoryProbe (built next to the tests) as a child process.</summary>
internal sealed class ProbeProcess : IAsyncDisposable
{
    private ProbeProcess(Process process) => Process = process;

    public Process Process { get; }

    public int Id => Process.Id;

    /// <summary>
    /// Starts the probe. With <paramref name="withoutMemlockPrivilege"/> it runs as an ordinary process would: without
    /// CAP_IPC_LOCK (which root has, and which lets mlock ignore the limit) and with RLIMIT_MEMLOCK at 8 MiB.
    /// </summary>
    public static ProbeProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, bool withoutMemlockPrivilege = false)
    {
        var start = new ProcessStartInfo(withoutMemlockPrivilege ? "setpriv" : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (withoutMemlockPrivilege)
        {
            foreach (var argument in new[] { "--bounding-set", "-ipc_lock", "prlimit", "--memlock=8388608:8388608", "--", "dotnet" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Secrets.Client.MemoryProbe.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ProbeProcess(Process.Start(start) ?? throw new InvalidOperationException("The memory probe did not start."));
    }

    /// <summary>Runs the probe to its end and returns the <c>name=value</c> lines it printed.</summary>
    public static async Task<Dictionary<string, string>> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, bool withoutMemlockPrivilege = false)
    {
        await using var probe = Start(arguments, environment, withoutMemlockPrivilege);
        var output = await probe.Process.StandardOutput.ReadToEndAsync();
        var error = await probe.Process.StandardError.ReadToEndAsync();
        await probe.Process.WaitForExitAsync();
        Assert.True(probe.Process.ExitCode == 0, $"The probe failed ({probe.Process.ExitCode}): {error}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
    }

    /// <summary>Reads lines until one starts with <paramref name="prefix"/>.</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        while (await Process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The probe ended before printing {prefix}: {await Process.StandardError.ReadToEndAsync()}");
    }

    public async Task SendAsync(string command)
    {
        await Process.StandardInput.WriteLineAsync(command);
        await Process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }
}
