using System.Security.Cryptography;

namespace Secrets.Client.Cli;

/// <summary>
/// The tool's own generator (<c>--generate N</c>): a new value of N random letters and digits, written as a new version,
/// for backends that cannot rotate by themselves (Vault KV, GCP without a rotator, Azure).
/// </summary>
internal static class SecretGenerator
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static async Task<SecretProperties> RotateAsync(SecretStore store, SecretReference reference, int? length, CancellationToken cancellationToken)
    {
        if (length is null)
        {
            return await store.RotateSecretAsync(reference, cancellationToken).ConfigureAwait(false);
        }

        if (length is < 16 or > 4096)
        {
            throw new CliUsageException("--generate takes a length from 16 to 4096.");
        }

        using var value = SecretValue.Create(length.Value, length.Value, static (span, count) =>
        {
            for (var i = 0; i < count; i++)
            {
                span[i] = (byte)Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }

            return count;
        });
        return await store.SetSecretAsync(reference, value, cancellationToken).ConfigureAwait(false);
    }
}
