using System.Runtime.CompilerServices;
using Secrets.Client;

namespace Secrets.Client.Pkcs11.Tests.Support;

/// <summary>
/// A small real <see cref="ISecretStore"/> over an in-memory dictionary: each read hands out a fresh
/// <see cref="SecretValue"/> copy (as a provider does) and counts the reads.
/// </summary>
public sealed class InMemorySecretStore : ISecretStore
{
    private readonly Dictionary<string, byte[]> _secrets = new(StringComparer.Ordinal);
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public InMemorySecretStore Set(string reference, string value)
    {
        _secrets[SecretReference.Parse(reference).ToString()] = System.Text.Encoding.UTF8.GetBytes(value);
        return this;
    }

    public ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        if (!_secrets.TryGetValue(reference.ToString(), out var bytes))
        {
            throw new SecretNotFoundException(reference.Provider, reference.Path);
        }

        var properties = new SecretProperties(reference.Provider ?? "memory", reference.Path);
        return ValueTask.FromResult(new Secret(properties, SecretValue.FromBytes(bytes)));
    }

    public async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        var results = new List<SecretResult>();
        foreach (var reference in references)
        {
            try
            {
                results.Add(SecretResult.Success(reference, await GetSecretAsync(reference, cancellationToken)));
            }
            catch (SecretStoreException ex)
            {
                results.Add(SecretResult.Failure(reference, ex));
            }
        }

        return results;
    }

    public ValueTask<SecretProperties> GetSecretPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default) =>
        _secrets.ContainsKey(reference.ToString())
            ? ValueTask.FromResult(new SecretProperties(reference.Provider ?? "memory", reference.Path))
            : throw new SecretNotFoundException(reference.Provider, reference.Path);

    public async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? provider, string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        foreach (var key in _secrets.Keys)
        {
            var reference = SecretReference.Parse(key);
            if ((provider is null || reference.Provider == provider) && (prefix is null || reference.Path.StartsWith(prefix, StringComparison.Ordinal)))
            {
                yield return new SecretProperties(reference.Provider ?? "memory", reference.Path);
            }
        }
    }
}
