using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Cli.Tests;

/// <summary>
/// The pieces every leak drill shares: a fake clock a few minutes behind real time (so SigV4 stays within skew while
/// the window edges are exact), the app's durable audit trail, and the tool run in-process on an appsettings.json.
/// </summary>
internal sealed class DrillHarness : IDisposable
{
    public DrillHarness()
    {
        Root = Directory.CreateTempSubdirectory("secrets-drill-").FullName;
        Clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-5));
        Sink = new JsonLinesSecretAuditSink(new JsonLinesSecretAuditSinkOptions { Directory = AuditDirectory });
    }

    public string Root { get; }

    public string AuditDirectory => Path.Combine(Root, "audit");

    public FakeTimeProvider Clock { get; }

    public JsonLinesSecretAuditSink Sink { get; }

    public Dictionary<string, string> Environment { get; } = new() { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH")! };

    public List<string> AllOutput { get; } = [];

    /// <summary>Gets or sets how the tool confirms every running instance moved (the push step of the drill).</summary>
    public Func<SecretReference, string, CancellationToken, Task<Secrets.Client.Cli.LeakStep>>? ConfirmInstances { get; set; }

    public SecretStore App(SecretProvider provider) => new([provider], new SecretStoreOptions { Environment = "Development" }, Clock, auditSink: Sink);

    /// <summary>Reads through the store as an app does, after dropping the cached copy so that the read reaches the backend.</summary>
    public async Task ReadAsync(SecretStore app, string reference)
    {
        app.Invalidate(SecretReference.Parse(reference));
        var secret = await app.GetSecretAsync(reference);
        Assert.True(secret.Value.Length > 0);
        Clock.Advance(TimeSpan.FromSeconds(10));
    }

    public async Task WriteSettingsAsync(object secrets) =>
        await File.WriteAllTextAsync(Path.Combine(Root, "appsettings.json"), JsonSerializer.Serialize(new { Secrets = secrets }));

    public async Task<(int Exit, JsonElement Report)> LeakAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Secrets.Client.Cli.SecretsCommandLine.RunAsync(["leak", .. args, "--json"], new Secrets.Client.Cli.CliContext(output, error, Environment, Root) { ConfirmInstances = ConfirmInstances });
        AllOutput.Add(output.ToString());
        AllOutput.Add(error.ToString());
        Assert.True(output.ToString().Length > 0, error.ToString());
        using var document = JsonDocument.Parse(output.ToString());
        return (exit, document.RootElement.Clone());
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O");

    /// <summary>Gets the report's steps by name: status and detail.</summary>
    public static Dictionary<string, (string? Status, string? Detail)> Steps(JsonElement report) =>
        report.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => (s.GetProperty("status").GetString(), s.GetProperty("detail").GetString()));

    public static List<(string Source, DateTimeOffset Time, string? Principal, string? Host, string? Version)> Reads(JsonElement report) =>
        [.. report.GetProperty("reads").EnumerateArray().Select(r => (r.GetProperty("source").GetString()!, r.GetProperty("time").GetDateTimeOffset(),
            r.GetProperty("principal").GetString(), r.GetProperty("host").GetString(), r.GetProperty("version").GetString()))];

    public void Dispose()
    {
        Sink.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
