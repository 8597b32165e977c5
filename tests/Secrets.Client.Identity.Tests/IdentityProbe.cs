using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Identity.Tests;

/// <summary>
/// Runs the probe app (Secrets.Client.Identity.Probe) in a child process whose environment holds only what the
/// platform documents for the identity under test, plus PATH and an empty HOME (no shared credential files). It reads
/// secrets through a <see cref="SecretStore"/> on command and answers one JSON line per command.
/// </summary>
internal sealed class IdentityProbe : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();
    private readonly string _home;

    private IdentityProbe(Process process, string home)
    {
        _process = process;
        _home = home;
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public static IdentityProbe Start(string platform, IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ProbeAssembly());
        start.ArgumentList.Add(platform);
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment.Clear();
        foreach (var inherited in new[] { "PATH", "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(inherited) is { } value)
            {
                start.Environment[inherited] = value;
            }
        }

        var home = Directory.CreateTempSubdirectory("identity-probe-home-").FullName;
        start.Environment["HOME"] = home;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new IdentityProbe(Process.Start(start) ?? throw new InvalidOperationException("The probe did not start."), home);
    }

    /// <summary>The probe as built in its own folder (…/tests/Secrets.Client.Identity.Probe/bin/CONFIG/TFM/), next to this project's.</summary>
    private static string ProbeAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(tests, "Secrets.Client.Identity.Probe", "bin", configuration, framework, "Secrets.Client.Identity.Probe.dll");
    }

    /// <summary>Invalidates the cached value and reads <paramref name="reference"/> through the store.</summary>
    public Task<ProbeAnswer> ReadAsync(string reference) => SendAsync("read " + reference);

    /// <summary>Moves the AWS SDK's clock (AWSConfigs.ManualClockCorrection) <paramref name="ahead"/> of the system's.</summary>
    public Task<ProbeAnswer> MoveAwsClockAsync(TimeSpan ahead) => SendAsync("clock " + ahead.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Stops the probe and returns everything it wrote: answers, logs, traces, metrics and exception texts.</summary>
    public async Task<string> StopAsync()
    {
        if (!_process.HasExited)
        {
            await _process.StandardInput.WriteLineAsync("quit");
            _process.StandardInput.Close();
            lock (_stdout)
            {
                _stdout.Append(_process.StandardOutput.ReadToEnd());
            }

            using var timeout = new CancellationTokenSource(AnswerTimeout);
            await _process.WaitForExitAsync(timeout.Token);
        }

        lock (_stderr)
        lock (_stdout)
        {
            return _stdout + "\n" + _stderr;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    private async Task<ProbeAnswer> SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            throw new InvalidOperationException("The probe exited: " + await StopAsync());
        }

        lock (_stdout)
        {
            _stdout.AppendLine(line);
        }

        return JsonSerializer.Deserialize<ProbeAnswer>(line, JsonOptions)!;
    }
}

/// <summary>The probe's answer to one command.</summary>
internal sealed record ProbeAnswer(bool Ok, string? Sha256, string? Identity, string? Audit, string? Type, string? Message, string? AuditOutcome);
