using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Secrets.Client.Azure;

/// <summary>The bulk load: list and fetch at once. Reached through <see cref="AzureKeyVaultSecretStoreExtensions.LoadSecretsAsync"/>, so that the store scopes and audits it.</summary>
public partial class AzureKeyVaultSecretProvider
{
    /// <summary>
    /// Loads every usable secret whose name starts with <paramref name="prefix"/> (see <see cref="ListSecretsAsync"/>): values
    /// are fetched concurrently while the listing pages are still arriving, which makes start-up with many secrets fast.
    /// Results come in completion order; each holds a secret (owned by the caller) or that secret's error.
    /// </summary>
    /// <param name="prefix">The prefix, or <see langword="null"/> for every secret of the default vault.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The results.</returns>
    internal async IAsyncEnumerable<SecretResult> LoadSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<SecretResult>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = ProduceAsync(prefix, channel.Writer, stop.Token);
        try
        {
            await foreach (var result in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }

            await producer.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SecretStoreException)
            {
                // The caller stopped reading or already saw this error; what matters now is wiping what was never read.
            }

            while (channel.Reader.TryRead(out var unread))
            {
                unread.Secret?.Dispose();
            }
        }
    }

    private async Task ProduceAsync(string? prefix, ChannelWriter<SecretResult> writer, CancellationToken cancellationToken)
    {
        // The listing runs ahead on its own, so that the next page is requested while values are fetched: neither waits
        // for the other, and start-up costs about the listing's pages rather than pages plus fetches.
        var pending = Channel.CreateUnbounded<SecretReference>(new UnboundedChannelOptions { SingleWriter = true });
        var listing = ListIntoAsync(prefix, pending.Writer, cancellationToken);
        var workers = new Task[_options.MaxConcurrentRequests];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = FetchAllAsync(pending.Reader, writer, cancellationToken);
        }

        Exception? failure = null;
        try
        {
            await listing.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Complete the channel whatever happened, or the reader would wait forever.
            failure ??= ex;
        }

        writer.TryComplete(failure);
        if (failure is not null)
        {
            ExceptionDispatchInfoThrow(failure);
        }
    }

    private async Task ListIntoAsync(string? prefix, ChannelWriter<SecretReference> pending, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var properties in ListSecretsAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                pending.TryWrite(new SecretReference(Name, properties.Name));
            }

            pending.TryComplete();
        }
        catch (Exception ex)
        {
            pending.TryComplete(ex);
            throw;
        }
    }

    private async Task FetchAllAsync(ChannelReader<SecretReference> pending, ChannelWriter<SecretResult> results, CancellationToken cancellationToken)
    {
        await foreach (var reference in pending.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            SecretResult result;
            try
            {
                result = SecretResult.Success(reference, await GetSecretAsync(reference, cancellationToken).ConfigureAwait(false));
            }
            catch (SecretStoreException ex)
            {
                result = SecretResult.Failure(reference, ex);
            }

            if (!results.TryWrite(result))
            {
                result.Secret?.Dispose();
            }
        }
    }

    private static void ExceptionDispatchInfoThrow(Exception exception) =>
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception).Throw();
}
