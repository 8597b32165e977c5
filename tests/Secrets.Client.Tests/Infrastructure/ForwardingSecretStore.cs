using Microsoft.Extensions.Primitives;

namespace Secrets.Client.Tests;

/// <summary>
/// A decorator over any <see cref="ISecretStore"/> (as an application would write one, for example to add tracing):
/// not a <see cref="SecretStore"/>, so configuration and handles may only use the interface. Counts the calls it sees.
/// </summary>
internal sealed class ForwardingSecretStore(ISecretStore inner) : ISecretStore
{
    private int _reads;
    private int _tokens;

    public int Reads => Volatile.Read(ref _reads);

    public int Tokens => Volatile.Read(ref _tokens);

    public ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return inner.GetSecretAsync(reference, cancellationToken);
    }

    public ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref _reads, references.Count);
        return inner.GetSecretsAsync(references, cancellationToken);
    }

    public ValueTask<SecretProperties> GetSecretPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default) =>
        inner.GetSecretPropertiesAsync(reference, cancellationToken);

    public IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? provider, string? prefix = null, CancellationToken cancellationToken = default) =>
        inner.ListSecretsAsync(provider, prefix, cancellationToken);

    public IChangeToken GetChangeToken(SecretReference reference)
    {
        Interlocked.Increment(ref _tokens);
        return inner.GetChangeToken(reference);
    }

    public ValueTask<int> RefreshAsync(CancellationToken cancellationToken = default) => inner.RefreshAsync(cancellationToken);

    public bool CanResolve(SecretReference reference) => inner.CanResolve(reference);

    public ValueTask<SecretChangeNotificationOutcome> ProcessChangeNotificationAsync(SecretChangeNotification notification, CancellationToken cancellationToken = default) =>
        inner.ProcessChangeNotificationAsync(notification, cancellationToken);
}
