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

// One store shared by configuration and DI, so both read the same cache.
using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console => console.SingleLine = true)
    .AddFilter(LoggerSecretAuditSink.CategoryName, LogLevel.Debug)
    .SetMinimumLevel(LogLevel.Warning));
await using var store = new SecretStore(
    [manager],
    new SecretStoreOptions
    {
        Environment = builder.Environment.EnvironmentName,
        CacheDuration = TimeSpan.FromSeconds(3),              // short for the demo; minutes in real apps
        BackgroundRefreshInterval = TimeSpan.FromSeconds(1),
    },
    loggerFactory: loggerFactory);

// The two lines an existing app adds:
builder.Configuration.AddSecrets(store, secrets => secrets.Add("memory://demo/db", "Database"));
builder.Services.AddSecretStore(store);

builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
using var host = builder.Build();
await host.StartAsync(); // starts the background refresh service

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

Console.WriteLine("6. The audit trail above shows every access (who, what, where, when), never a value.");
Console.WriteLine("Done.");
await host.StopAsync();

static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

internal sealed class DatabaseOptions
{
    public string? User { get; set; }

    public string? Password { get; set; }

    public string? Host { get; set; }
}
