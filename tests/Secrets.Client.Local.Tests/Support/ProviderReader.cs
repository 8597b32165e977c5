using System.Text;

namespace Secrets.Client.Local.Tests;

internal static class ProviderReader
{
    public const string Development = "Development";

    /// <summary>Reads every secret a provider lists, through its public API, as text.</summary>
    public static async Task<Dictionary<string, string>> ReadAllAsync(SecretProvider provider)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var properties in provider.ListSecretsAsync())
        {
            using var secret = await provider.GetSecretAsync(new SecretReference(provider.Name, properties.Name));
            result.Add(properties.Name, secret.Value.ExposeAsString());
        }

        return result;
    }

    /// <summary>Parses .env text through a <see cref="DotEnvSecretProvider"/> over a temporary file.</summary>
    public static async Task<Dictionary<string, string>> ParseAsync(string content, bool strict = true, bool expand = false) =>
        await ParseBytesAsync(Encoding.UTF8.GetBytes(content), strict, expand);

    public static async Task<Dictionary<string, string>> ParseBytesAsync(byte[] content, bool strict = true, bool expand = false)
    {
        using var directory = new TempDirectory();
        var path = directory.WriteBytes(".env", content);
        await using var provider = new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Path = path, Strict = strict, Expand = expand, Environment = Development });
        return await ReadAllAsync(provider);
    }

    public static string Show(IReadOnlyDictionary<string, string> map) =>
        string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={System.Text.Json.JsonSerializer.Serialize(p.Value)}"));
}
