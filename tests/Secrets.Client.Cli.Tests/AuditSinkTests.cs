namespace Secrets.Client.Cli.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AuditSinkTests
{
    private static SecretAuditRecord Record(DateTimeOffset time, string process, int n) => new()
    {
        Timestamp = time,
        Provider = "aws-sm",
        SecretName = "app/db",
        Version = "v" + n,
        Kind = SecretAccessKind.Fetch,
        Outcome = SecretAuditOutcome.Success,
        User = "alice",
        Host = "host-a",
        Process = process,
        Environment = "Production",
    };

    [Fact]
    public void Files_are_owner_only_and_hold_one_json_line_per_record()
    {
        var root = Directory.CreateTempSubdirectory("audit-").FullName;
        var directory = Path.Combine(root, "trail");
        using (var sink = new JsonLinesSecretAuditSink(new JsonLinesSecretAuditSinkOptions { Directory = directory }))
        {
            sink.Record(Record(DateTimeOffset.UtcNow, "app[1]", 1));
            sink.Record(Record(DateTimeOffset.UtcNow, "app[1]", 2));
            Assert.False(sink.IsEnabled(SecretAccessKind.CacheHit, SecretAuditOutcome.Success));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        var file = Assert.Single(Directory.GetFiles(directory, "*.jsonl"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(2, File.ReadAllLines(file).Length);
        var records = new JsonLinesSecretAuditReader(directory).Read();
        Assert.Equal(["v1", "v2"], records.Select(r => r.Version));
        Assert.All(records, r => Assert.Equal("host-a", r.Host));
        Directory.Delete(root, true);
    }

    [Fact]
    public void Rotates_by_size_and_by_period_and_the_reader_filters_by_time()
    {
        var directory = Directory.CreateTempSubdirectory("audit-").FullName;
        var day1 = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var day2 = day1.AddDays(1);
        using (var sink = new JsonLinesSecretAuditSink(new JsonLinesSecretAuditSinkOptions { Directory = directory, MaxFileBytes = 1024 }))
        {
            for (var i = 0; i < 20; i++)
            {
                sink.Record(Record(day1.AddSeconds(i), "app[1]", i));
            }

            sink.Record(Record(day2, "app[1]", 99));
        }

        var files = Directory.GetFiles(directory, "*.jsonl").Order().ToArray();
        Assert.True(files.Length >= 3, $"expected size rotation on day 1 and a new file on day 2, got {files.Length}");
        Assert.Contains(files, f => Path.GetFileName(f).Contains("20261202T000000Z", StringComparison.Ordinal));
        Assert.All(files.Where(f => f.Contains("20261201", StringComparison.Ordinal)).SkipLast(1), f => Assert.True(new FileInfo(f).Length >= 1024));
        var reader = new JsonLinesSecretAuditReader(directory);
        Assert.Equal(21, reader.Read().Count);
        Assert.Equal(5, reader.Read(day1.AddSeconds(5), day1.AddSeconds(9)).Count);
        Assert.Equal(0, reader.SkippedLines);
        Directory.Delete(directory, true);
    }

    [Fact]
    public async Task Two_writers_on_separate_descriptors_append_and_rotate_without_losing_or_tearing_a_line()
    {
        // Two sinks open their own descriptors and lock file, as two processes do: O_APPEND and flock act per open file.
        var directory = Directory.CreateTempSubdirectory("audit-").FullName;
        const int perWriter = 2000;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var now = DateTimeOffset.UtcNow;
        var writers = new[] { "a[1]", "b[2]" }.Select(process => Task.Run(async () =>
        {
            using var sink = new JsonLinesSecretAuditSink(new JsonLinesSecretAuditSinkOptions { Directory = directory, MaxFileBytes = 8 * 1024 });
            await start.Task;
            for (var i = 0; i < perWriter; i++)
            {
                sink.Record(Record(now, process, i));
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(writers);

        var reader = new JsonLinesSecretAuditReader(directory);
        var records = reader.Read();
        Assert.Equal(0, reader.SkippedLines);
        Assert.Equal(2 * perWriter, records.Count);
        foreach (var process in new[] { "a[1]", "b[2]" })
        {
            Assert.Equal(Enumerable.Range(0, perWriter).Select(i => "v" + i), records.Where(r => r.Process == process).Select(r => r.Version));
        }

        Assert.True(Directory.GetFiles(directory, "*.jsonl").Length > 10);
        Directory.Delete(directory, true);
    }

    [Fact]
    public async Task Two_processes_append_and_rotate_one_trail_without_losing_or_tearing_a_line()
    {
        var directory = Directory.CreateTempSubdirectory("audit-").FullName;
        const int perProcess = 3000;
        var writers = new[] { "p1", "p2" }.Select(name =>
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true };
            foreach (var argument in new[] { "exec", typeof(AuditWriterProgram).Assembly.Location, "append-audit", directory, name, perProcess.ToString(), "8192" })
            {
                start.ArgumentList.Add(argument);
            }

            return System.Diagnostics.Process.Start(start)!;
        }).ToArray();
        foreach (var writer in writers)
        {
            var error = await writer.StandardError.ReadToEndAsync();
            await writer.WaitForExitAsync();
            Assert.True(writer.ExitCode == 0, error);
            writer.Dispose();
        }

        var reader = new JsonLinesSecretAuditReader(directory);
        var records = reader.Read();
        Assert.Equal(0, reader.SkippedLines);
        Assert.Equal(2 * perProcess, records.Count);
        foreach (var name in new[] { "p1", "p2" })
        {
            Assert.Equal(Enumerable.Range(0, perProcess).Select(i => "v" + i), records.Where(r => r.Process == name).Select(r => r.Version));
        }

        var files = Directory.GetFiles(directory, "*.jsonl");
        Assert.True(files.Length > 10, $"{files.Length} files");
        Assert.All(files, file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
        Directory.Delete(directory, true);
    }
}
