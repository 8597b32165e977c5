// Local development with the tools teams already use: 1Password, Doppler and direnv, through the same references and
// configuration as production. Never prints a secret value: only names, versions and lengths.
//
//   dotnet run --project samples/LocalDevelopment                      # emulators (1Password Connect, Doppler API) and,
//                                                                      # when direnv is installed, a throw-away .envrc
//   dotnet run --project samples/LocalDevelopment -- op op://dev/Stripe/secret-key     # your signed-in 1Password CLI
//   dotnet run --project samples/LocalDevelopment -- doppler STRIPE_KEY                # your logged-in Doppler CLI (doppler setup)
//   dotnet run --project samples/LocalDevelopment -- direnv DATABASE_URL               # the allowed .envrc of the current directory
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Client;
using Secrets.Client.Doppler;
using Secrets.Client.Local;
using Secrets.Client.OnePassword;
using Secrets.Client.Testing;

var mode = args.FirstOrDefault() ?? "emulators";
const string Environment = "Development";

if (mode is "op" or "doppler" or "direnv")
{
    // Your own tools: one reference, read through the same store an app uses.
    var name = args.ElementAtOrDefault(1) ?? throw new ArgumentException($"Usage: {mode} <reference or name>");
    SecretProvider provider = mode switch
    {
        "op" => new OnePasswordSecretProvider(new OnePasswordSecretProviderOptions { Environment = Environment }),
        "doppler" => new DopplerSecretProvider(new DopplerSecretProviderOptions { Transport = DopplerTransport.Cli, Environment = Environment }),
        _ => new DirenvSecretProvider(new DirenvSecretProviderOptions { Environment = Environment }),
    };
    await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = Environment });
    var reference = name.Contains("://", StringComparison.Ordinal) ? name : $"{provider.Name}://{name}";
    var secret = await store.GetSecretAsync(reference);
    Console.WriteLine($"{reference}: {secret.Value.Length} bytes, version {secret.Properties.Version}");
    return;
}

// A fresh machine: the emulators stand in for 1Password Connect and Doppler, so the sample runs with no account.
await using var onePassword = await OnePasswordConnectEmulator.StartAsync();
onePassword.SetItem("dev", "Stripe", [new("secret-key", "sk_test_" + Guid.NewGuid().ToString("N")), new("webhook-secret", "whsec_demo") { Section = "Webhooks" }]);
await using var doppler = await DopplerEmulator.StartAsync();
doppler.SetSecret("shop", "dev", "DATABASE_URL", "postgres://app:dev@localhost/shop");

var providers = new List<SecretProvider>
{
    new OnePasswordSecretProvider(new OnePasswordSecretProviderOptions
    {
        Transport = OnePasswordTransport.Connect, Endpoint = onePassword.Address, ConnectToken = onePassword.Token, Environment = Environment,
    }),
    new DopplerSecretProvider(new DopplerSecretProviderOptions
    {
        Endpoint = doppler.Address, ServiceToken = doppler.CreateServiceToken("shop", "dev"), ChangeCheckInterval = TimeSpan.Zero, Environment = Environment,
    }),
};

// direnv, when installed: a throw-away project with an .envrc that loads a .env, allowed in a throw-away data directory.
var direnvRoot = Path.Combine(Path.GetTempPath(), "secrets-client-sample-" + Guid.NewGuid().ToString("N")[..8]);
var mappings = new Dictionary<string, string>
{
    ["op://dev/Stripe/secret-key"] = "Stripe:SecretKey",
    ["op://dev/Stripe/Webhooks/webhook-secret"] = "Stripe:WebhookSecret",
    ["doppler://DATABASE_URL"] = "Database:Url",
};
if (await DirenvAllowedAsync(direnvRoot))
{
    var options = new DirenvSecretProviderOptions { Directory = Path.Combine(direnvRoot, "app"), Environment = Environment, ChangeCheckInterval = TimeSpan.Zero };
    options.ProcessEnvironment["XDG_DATA_HOME"] = Path.Combine(direnvRoot, "data");
    providers.Add(new DirenvSecretProvider(options));
    mappings["direnv://FEATURE_FLAGS_KEY"] = "Features:Key";
}
else
{
    Console.WriteLine("direnv is not installed: skipping the direnv source (apt-get install direnv).");
}

var configuration = new ConfigurationBuilder()
    .AddSecrets(source =>
    {
        foreach (var provider in providers)
        {
            source.Providers.Add(provider);
        }

        source.StoreOptions.Environment = Environment;
        source.StoreOptions.CacheDuration = TimeSpan.FromSeconds(2);
        source.StoreOptions.BackgroundRefreshInterval = TimeSpan.FromSeconds(1);   // short for the demo; the one refresh driver for store and configuration
        foreach (var (reference, key) in mappings)
        {
            source.Add(reference, key);
        }
    })
    .Build();
using var services = new ServiceCollection().Configure<DatabaseOptions>(configuration.GetSection("Database")).BuildServiceProvider();
foreach (var key in mappings.Values)
{
    Console.WriteLine($"{key}: {configuration[key]?.Length ?? 0} characters");
}

// Change the value in "Doppler": the store's change check sees a new version and IOptionsMonitor follows.
var monitor = services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using (monitor.OnChange(_ => changed.TrySetResult()))
{
    var before = monitor.CurrentValue.Url?.Length;
    doppler.SetSecret("shop", "dev", "DATABASE_URL", "postgres://app:rotated-in-doppler@localhost/shop");
    await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    Console.WriteLine($"Database:Url changed in Doppler: IOptionsMonitor now sees {monitor.CurrentValue.Url?.Length} characters (was {before}).");
}

((IDisposable)configuration).Dispose();
if (Directory.Exists(direnvRoot))
{
    Directory.Delete(direnvRoot, recursive: true);
}

static async Task<bool> DirenvAllowedAsync(string root)
{
    var app = Path.Combine(root, "app");
    Directory.CreateDirectory(app);
    await File.WriteAllTextAsync(Path.Combine(app, ".envrc"), "dotenv_if_exists .env\nexport APP_ENV=development\n");
    await File.WriteAllTextAsync(Path.Combine(app, ".env"), "FEATURE_FLAGS_KEY=ff_dev_123\n");
    try
    {
        var start = new ProcessStartInfo("direnv", ["allow", app]) { RedirectStandardError = true, UseShellExecute = false };
        start.Environment["XDG_DATA_HOME"] = Path.Combine(root, "data");
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return false;
    }
}

internal sealed class DatabaseOptions
{
    public string? Url { get; set; }
}
