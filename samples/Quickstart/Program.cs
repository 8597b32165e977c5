// Secrets.Client quickstart: runs with no cloud and no credentials, on the embedded in-memory secret manager.
// It fetches a secret, serves it from cache, reads it through IConfiguration/IOptionsMonitor and ISecretStore,
// follows a rotation, and shows the audit trail. It never prints a secret value: only names, versions and lengths.
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Client;
using Secrets.Client.Testing;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter(LoggerSecretAuditSink.CategoryName, LogLevel.Debug);

// The embedded default: an in-process secret manager with versions, seeded with a JSON database secret.
var manager = new InMemorySecretProvider();
manager.Set("demo/db", $$"""{"user":"app","password":"{{NewPassword()}}","host":"db.internal"}""", "application/json");

manager.Set("demo/api-key", NewPassword());

// One call: secrets into configuration and the same store (one cache) into DI, with the host's logging and environment.
builder.AddSecrets(secrets =>
{
    secrets.Providers.Add(manager);
    secrets.StoreOptions.CacheDuration = TimeSpan.FromSeconds(3);              // short for the demo; minutes in real apps
    secrets.StoreOptions.BackgroundRefreshInterval = TimeSpan.FromSeconds(1);
    secrets.Add("memory://demo/db", "Database");
});

// A typed handle: configuration holds only the reference, the value is read through the store.
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Api:Key"] = "handle:memory://demo/api-key" });
builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
builder.Services.Configure<ApiOptions>(builder.Configuration.GetSection("Api")).AddSecretHandles<ApiOptions>();
using var host = builder.Build();
await host.StartAsync(); // starts the background refresh

var secretStore = host.Services.GetRequiredService<ISecretStore>();
var options = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();

Console.WriteLine("1. Fetch through ISecretStore (a field of a JSON secret):");
var password = await secretStore.GetSecretAsync("memory://demo/db#password");
Console.WriteLine($"   {password}  ({password.Value.Length} bytes, memory: {password.Value.Protection})");

Console.WriteLine("2. Read again: served from cache, no new call to the manager:");
var before = manager.TotalCalls;
await secretStore.GetSecretAsync("memory://demo/db#password");
Console.WriteLine($"   manager calls before {before}, after {manager.TotalCalls}");

Console.WriteLine("3. Read through IConfiguration / IOptionsMonitor:");
Console.WriteLine($"   Database:User = {options.CurrentValue.User}, Database:Host = {options.CurrentValue.Host}, Database:Password set: {options.CurrentValue.Password is { Length: > 0 }}");

Console.WriteLine("4. Use the value without making a string of it (compute its length as UTF-16):");
var length = password.Value.Use(0, static (bytes, _) => System.Text.Encoding.UTF8.GetCharCount(bytes));
Console.WriteLine($"   password has {length} characters");

Console.WriteLine("5. Rotate it in the manager; background refresh notices and IOptionsMonitor follows, no restart:");
var oldPassword = options.CurrentValue.Password;
var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var subscription = options.OnChange(_ => reloaded.TrySetResult());
manager.Set("demo/db", $$"""{"user":"app","password":"{{NewPassword()}}","host":"db.internal"}""", "application/json");
var waited = System.Diagnostics.Stopwatch.StartNew();
await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
var rotated = await secretStore.GetSecretAsync("memory://demo/db#password");
Console.WriteLine($"   after {waited.Elapsed.TotalSeconds:0.0} s: {rotated}; IOptionsMonitor changed: {!string.Equals(oldPassword, options.CurrentValue.Password, StringComparison.Ordinal)}");

Console.WriteLine("6. Rotate now through the store (after a leak): IOptionsMonitor follows at once, not at the next poll:");
var rotatedNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var nowSubscription = options.OnChange(_ => rotatedNow.TrySetResult());
waited.Restart();
await ((SecretStore)secretStore).RotateSecretAsync(SecretReference.Parse("memory://demo/db"));
await rotatedNow.Task.WaitAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"   configuration reloaded after {waited.Elapsed.TotalMilliseconds:0} ms");

Console.WriteLine("7. A typed handle: the API key is read through the store and never enters IConfiguration:");
var api = host.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
var key = await api.Key!.GetSecretAsync();
Console.WriteLine($"   {api.Key} -> {key} ({key.Value.Length} bytes); IConfiguration holds only: {host.Services.GetRequiredService<IConfiguration>()["Api:Key"]}");

Console.WriteLine("8. The audit trail above shows every access (who, what, where, when), never a value.");
Console.WriteLine("Done.");
await host.StopAsync();

static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

internal sealed class DatabaseOptions
{
    public string? User { get; set; }

    public string? Password { get; set; }

    public string? Host { get; set; }
}

internal sealed class ApiOptions
{
    public SecretHandle? Key { get; set; }
}
