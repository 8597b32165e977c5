using System.Runtime.CompilerServices;
using Secrets.Client;

namespace HsmSigning;

/// <summary>
/// Reads <c>env://NAME</c> references from environment variables. A stand-in until the core store's environment
/// provider is registered with <c>services.AddSecretStore(...)</c>; the signer only sees <see cref="ISecretStore"/>.
/// </summary>
internal sealed class EnvironmentSecretStore : ISecretStore
{
    public ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Provider is not (null or "env"))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "this sample store reads env:// references only.", reference.Provider);
        }

        var text = Environment.GetEnvironmentVariable(reference.Path)
            ?? throw new SecretNotFoundException("env", reference.Path);
        return ValueTask.FromResult(new Secret(new SecretProperties("env", reference.Path), SecretValue.FromText(text)));
    }

    public async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        var results = new List<SecretResult>(references.Count);
        foreach (var reference in references)
        {
            try
            {
                results.Add(SecretResult.Success(reference, await GetSecretAsync(reference, cancellationToken).ConfigureAwait(false)));
            }
            catch (SecretStoreException ex)
            {
                results.Add(SecretResult.Failure(reference, ex));
            }
        }

        return results;
    }

    public ValueTask<SecretProperties> GetSecretPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Environment.GetEnvironmentVariable(reference.Path) is null
            ? throw new SecretNotFoundException("env", reference.Path)
            : ValueTask.FromResult(new SecretProperties("env", reference.Path));
    }

    public async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? provider, string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (prefix is null || name.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return new SecretProperties("env", name);
            }
        }
    }
}
