using System.Text;
using Amazon.Runtime;
using Secrets.Client.Testing;

namespace Secrets.Client.Aws.Tests;

internal static class TestSupport
{
    public const string Canary = "CANARY-7f3a9c-aws-d41d8cd98f00";

    public static AwsSecretsManagerSecretProvider CreateProvider(AwsSecretsManagerEmulator emulator, Action<AwsSecretsManagerSecretProviderOptions>? configure = null)
    {
        var options = new AwsSecretsManagerSecretProviderOptions
        {
            Region = emulator.Region,
            Endpoint = emulator.Endpoint,
            Credentials = new BasicAWSCredentials(emulator.AccessKeyId, emulator.SecretAccessKey),
        };
        configure?.Invoke(options);
        return new AwsSecretsManagerSecretProvider(options);
    }

    public static string Text(Secret secret) => secret.Value.ExposeAsString();

    public static string Text(SecretValue value) => value.ExposeAsString();

    public static SecretReference Ref(string path, string? version = null, string? stage = null) =>
        new("aws-sm", path, version, stage);

    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    public static string FindRepoRoot() => Secrets.Client.Tests.Shared.NodeJudgeProcess.RepositoryRoot;

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
