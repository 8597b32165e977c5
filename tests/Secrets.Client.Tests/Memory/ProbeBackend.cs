using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Memory;

/// <summary>The backend a client probe reads from: an emulator in this process, or a .env file.</summary>
internal sealed class ProbeBackend : IAsyncDisposable
{
    private readonly IAsyncDisposable? _emulator;

    private ProbeBackend(IAsyncDisposable? emulator, Dictionary<string, string> variables)
    {
        _emulator = emulator;
        Variables = variables;
    }

    /// <summary>Gets the PROBE_* variables that point the probe at the backend; none holds the canary.</summary>
    public Dictionary<string, string> Variables { get; }

    public static async Task<ProbeBackend> StartAsync(string provider, string canary, string directory)
    {
        var variables = new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development" };
        switch (provider)
        {
            case "aws":
                var aws = await AwsSecretsManagerEmulator.StartAsync();
                aws.CreateSecret("app/db", canary);
                variables["PROBE_REFERENCE"] = "aws-sm://app/db";
                variables["PROBE_ENDPOINT"] = aws.Endpoint.ToString();
                variables["PROBE_REGION"] = aws.Region;
                variables["PROBE_KEY_ID"] = aws.AccessKeyId;
                variables["PROBE_KEY"] = aws.SecretAccessKey;
                return new ProbeBackend(aws, variables);
            case "gcp":
                var gcp = await GcpSecretManagerEmulator.StartAsync();
                gcp.AddVersion("db-password", canary);
                variables["PROBE_REFERENCE"] = "gcp-sm://db-password";
                variables["PROBE_ENDPOINT"] = gcp.Endpoint.ToString();
                variables["PROBE_PROJECT"] = gcp.ProjectId;
                variables["PROBE_TOKEN"] = gcp.TestToken;
                return new ProbeBackend(gcp, variables);
            case "vault":
                var vault = await HashiCorpVaultEmulator.StartAsync();
                vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = canary });
                var jwt = Path.Combine(directory, "token");
                await File.WriteAllTextAsync(jwt, vault.KubernetesJwt + "\n");
                variables["PROBE_REFERENCE"] = "vault://secret/app/db#password";
                variables["PROBE_ENDPOINT"] = vault.Address.ToString();
                variables["PROBE_ROLE"] = vault.KubernetesRole;
                variables["PROBE_JWT_PATH"] = jwt;
                return new ProbeBackend(vault, variables);
            default:
                var path = Path.Combine(directory, ".env");
                await File.WriteAllTextAsync(path, $"DB_PASSWORD={canary}\n");
                variables["PROBE_REFERENCE"] = "dotenv://DB_PASSWORD";
                variables["PROBE_PATH"] = path;
                return new ProbeBackend(null, variables);
        }
    }

    public ValueTask DisposeAsync() => _emulator?.DisposeAsync() ?? ValueTask.CompletedTask;
}
