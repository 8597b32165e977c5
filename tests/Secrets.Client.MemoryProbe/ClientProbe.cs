using System.Security.Cryptography;
using Secrets.Client.Aws;
using Secrets.Client.Gcp;
using Secrets.Client.Local;
using Secrets.Client.Vault;

namespace Secrets.Client.MemoryProbe;

/// <summary>
/// A client as an app would run it: one store over one adapter, the canary read and used, then kept cached until the
/// test says <c>evict</c>. Prints <c>READY</c> and <c>EVICTED</c> so the test knows when to look.
/// </summary>
internal static class ClientProbe
{
    public static async Task<int> RunAsync(string kind)
    {
        var reference = SecretReference.Parse(Variable("PROBE_REFERENCE"));
        await using var store = new SecretStore([CreateProvider(kind)], new SecretStoreOptions { Environment = "Development" });
        var secret = await store.GetSecretAsync(reference);

        // Use it the way the SDK recommends: scoped reads that never make a managed copy.
        var digest = secret.Value.Use(0, static (bytes, _) => SHA256.HashData(bytes));
        var length = 0;
        secret.Value.UseText(0, (chars, _) => length = chars.Length);
        Console.WriteLine($"READY {Environment.ProcessId} {digest.Length} {length}");

        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "evict")
            {
                store.Invalidate(reference);
                secret = null!;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                Console.WriteLine("EVICTED");
            }
            else if (command == "exit")
            {
                break;
            }
        }

        return 0;
    }

    private static SecretProvider CreateProvider(string kind) => kind switch
    {
        "aws" => new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = Variable("PROBE_REGION"),
            Endpoint = new Uri(Variable("PROBE_ENDPOINT")),
            Credentials = new Amazon.Runtime.BasicAWSCredentials(Variable("PROBE_KEY_ID"), Variable("PROBE_KEY")),
        }),
        "gcp" => new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = new Uri(Variable("PROBE_ENDPOINT")),
            DefaultProject = Variable("PROBE_PROJECT"),
            AccessTokenProvider = _ => new ValueTask<string>(Variable("PROBE_TOKEN")),
            Environment = "Development",
        }),
        "vault" => new HashiCorpVaultSecretProvider(new HashiCorpVaultSecretProviderOptions
        {
            Endpoint = new Uri(Variable("PROBE_ENDPOINT")),
            AuthMethod = VaultAuthMethod.Kubernetes,
            Role = Variable("PROBE_ROLE"),
            ServiceAccountTokenPath = Variable("PROBE_JWT_PATH"),
            Environment = "Development",
        }),
        "dotenv" => new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Path = Variable("PROBE_PATH"), Environment = "Development" }),
        _ => throw new ArgumentException($"Unknown provider '{kind}'.", nameof(kind)),
    };

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set.");
}
