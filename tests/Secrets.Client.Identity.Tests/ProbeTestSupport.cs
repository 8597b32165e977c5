using System.Security.Cryptography;
using System.Text;

namespace Secrets.Client.Identity.Tests;

/// <summary>Canary values, temporary files and the canary scan the identity tests share.</summary>
internal static class ProbeTestSupport
{
    public static string NewCanary() => "identity-canary-" + Guid.NewGuid().ToString("N");

    public static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Writes <paramref name="content"/> to a new file in a new temporary folder and returns its path.</summary>
    public static string WriteTempFile(string name, string content)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("identity-test-").FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Asserts that none of <paramref name="secrets"/> (tokens, keys, secret values) appears in <paramref name="output"/>.</summary>
    public static void AssertNoneLeaked(string output, IEnumerable<string> secrets)
    {
        Assert.False(string.IsNullOrWhiteSpace(output));
        foreach (var secret in secrets.Where(s => s.Length >= 8))
        {
            Assert.False(output.Contains(secret, StringComparison.Ordinal), "A token, key or secret value appeared in the probe's logs, traces, metrics or exceptions.");
            // A JWT's payload alone (the part between the dots) would leak its claims and is as good as the token to a reader.
            foreach (var part in secret.Split('.').Where(p => p.Length >= 32))
            {
                Assert.False(output.Contains(part, StringComparison.Ordinal), "Part of a token appeared in the probe's output.");
            }
        }
    }
}
