using System.Diagnostics;
using System.Globalization;
using System.Net;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Azure.Storage.Sas;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Client.Azure;
using Secrets.Client.Azure.Events;
using Secrets.Client.Azure.Events.Tests;
using Secrets.Client.Testing;
using Secrets.Client.Vault;

namespace Secrets.Client.Events.Benchmarks.EndToEnd;

/// <summary>
/// P5: from the write at the backend (emulator) to <see cref="IOptionsMonitor{TOptions}"/> observing the new value,
/// through the real listener, the real store and <c>AddSecrets</c> configuration, over N sequential rotations per path:
/// SQS (AWS), Pub/Sub (GCP), Event Grid webhook and Storage queue (Azure), websocket (Vault).
/// </summary>
internal static class RotationLatency
{
    private const int Warmup = 5;

    public static async Task<int> RunAsync(int rotations)
    {
        Console.WriteLine($"load before: {Load()}");
        var paths = new List<(string Path, Func<Task<double[]>> Run)>
        {
            ("AWS: EventBridge -> SNS fan-out -> instance SQS queue, long poll 20 s", () => AwsGcpPaths.AwsAsync(rotations)),
            ("GCP: Secret Manager notification -> Pub/Sub, unary pull 60 s", () => AwsGcpPaths.GcpAsync(rotations)),
            ("Event Grid webhook (Event Grid schema)", () => AzureWebhookAsync(rotations)),
            ("Storage queue, PollInterval 1 s", () => AzureQueueAsync(rotations, TimeSpan.FromSeconds(1))),
            ("Vault websocket", () => VaultAsync(rotations)),
        };
        Console.WriteLine("| path | rotations | p50 | p90 | p99 | max | load after the path |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var (path, run) in paths)
        {
            // Each row as soon as its path is done, so that one path failing keeps the others' figures.
            var ms = await run();
            Array.Sort(ms);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {path} | {ms.Length} | {Pct(ms, 0.50):0.0} ms | {Pct(ms, 0.90):0.0} ms | {Pct(ms, 0.99):0.0} ms | {ms[^1]:0.0} ms | {Load()} |"));
        }

        return 0;
    }

    private static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static async Task<double[]> AzureWebhookAsync(int rotations)
    {
        SecretStore? store = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<ISecretStore>(_ => store!);
        await using var app = builder.Build();
        app.MapKeyVaultEventGridWebhook("/events/keyvault", o => o.SharedSecretReference = "azure-kv://main/webhook-key");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var sink = new KeyVaultEventSink(new Uri(address.TrimEnd('/') + "/events/keyvault?code=bench-key"), KeyVaultEventSinkKind.Webhook);
        await using var vault = await StartKeyVaultAsync(sink);
        vault.SetSecret("webhook-key", "bench-key");
        store = AzureStore(vault);
        await using (store)
        {
            return await MeasureAsync(store, "azure-kv://main/db-password", value => vault.SetSecret("db-password", value), rotations);
        }
    }

    private static async Task<double[]> AzureQueueAsync(int rotations, TimeSpan pollInterval)
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var queue = new QueueClient(azurite.ConnectionString, "secrets-bench", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateAsync();
        var sink = new KeyVaultEventSink(queue.GenerateSasUri(QueueSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(2)), KeyVaultEventSinkKind.StorageQueue);
        await using var vault = await StartKeyVaultAsync(sink);
        await using var store = AzureStore(vault);
        using var listener = new AzureStorageQueueSecretChangeListener(store, new AzureStorageQueueListenerOptions
        {
            ConnectionString = azurite.ConnectionString,
            QueueName = queue.Name,
            PollInterval = pollInterval,
        });
        await listener.StartAsync(CancellationToken.None);
        await listener.WaitForStatusAsync(s => s.Connected).WaitAsync(TimeSpan.FromSeconds(30)); // the queue answered once
        var result = await MeasureAsync(store, "azure-kv://main/db-password", value => vault.SetSecret("db-password", value), rotations);
        await listener.StopAsync(CancellationToken.None);
        return result;
    }

    private static async Task<double[]> VaultAsync(int rotations)
    {
        await using var vault = await HashiCorpVaultEmulator.StartAsync();
        Environment.SetEnvironmentVariable("SECRETS_BENCH_VAULT_TOKEN", vault.RootToken);
        var provider = new HashiCorpVaultSecretProvider(new HashiCorpVaultSecretProviderOptions
        {
            Endpoint = vault.Address,
            AuthMethod = VaultAuthMethod.Token,
            TokenEnvironmentVariable = "SECRETS_BENCH_VAULT_TOKEN",
            Environment = "Development",
        });
        await using var store = new SecretStore([provider]);
        using var listener = new VaultEventListener(store, provider);
        await listener.StartAsync(CancellationToken.None);
        await listener.WaitForStatusAsync(s => s.Connected).WaitAsync(TimeSpan.FromSeconds(30)); // subscribed before the first write
        var result = await MeasureAsync(store, "vault://secret/app/db#password", value => vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = value }), rotations);
        await listener.StopAsync(CancellationToken.None);
        return result;
    }

    private static async Task<AzureKeyVaultEmulator> StartKeyVaultAsync(KeyVaultEventSink sink)
    {
        var options = new AzureKeyVaultEmulatorOptions { EventVaultName = "main" };
        options.EventSinks.Add(sink);
        return await AzureKeyVaultEmulator.StartAsync(options);
    }

    private static SecretStore AzureStore(AzureKeyVaultEmulator vault)
    {
        var options = new AzureKeyVaultSecretProviderOptions
        {
            Credential = vault.CreateCredential(),
            ConfigureClientOptions = o =>
            {
                o.Transport = new HttpClientTransport(vault.CreateHandler());
                o.DisableChallengeResourceVerification = true;
            },
            Environment = "Development",
        };
        options.Vaults["main"] = vault.VaultUri;
        return new SecretStore([new AzureKeyVaultSecretProvider(options)]);
    }

    /// <summary>Rotates N times (after a warm-up) and times each from the write to the options monitor seeing the value.</summary>
    internal static async Task<double[]> MeasureAsync(SecretStore store, string reference, Action<string> write, int rotations)
    {
        write("rotation-0");
        var configuration = new ConfigurationBuilder().AddSecrets(store, source => source.Add(reference, "Db:Password")).Build();
        await using var services = new ServiceCollection().AddOptions().Configure<DbOptions>(configuration.GetSection("Db")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        TaskCompletionSource? seen = null;
        string? expected = null;
        using var subscription = monitor.OnChange(options =>
        {
            if (options.Password == Volatile.Read(ref expected))
            {
                seen?.TrySetResult();
            }
        });
        var latencies = new List<double>(rotations);
        for (var i = 1; i <= rotations + Warmup; i++)
        {
            var value = "rotation-" + i.ToString(CultureInfo.InvariantCulture);
            seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref expected, value);
            var started = Stopwatch.GetTimestamp();
            write(value);
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(60));
            if (i > Warmup)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return [.. latencies];
    }

    private sealed class DbOptions
    {
        public string? Password { get; set; }
    }
}
