using System.Net;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Aws;

/// <summary>
/// Fetches many secrets with <c>BatchGetSecretValue</c> (20 ids a call, a few calls at once, following its paging) and
/// hands each reference its own result: the value, or that secret's error. References the batch cannot serve (a pinned
/// version or stage, or the local agent) and callers not allowed the batch call are fetched one by one.
/// </summary>
internal sealed class AwsBatchFetcher(string provider, AwsLocationResolver locations, AwsApiClient api, ILogger logger, Func<SecretReference, CancellationToken, ValueTask<Secret>> getOne)
{
    public const int BatchLimit = 20;

    public async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, bool canBatch, int maxConcurrentRequests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(references);
        var results = new SecretResult?[references.Count];
        var batchable = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var single = new List<int>();
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            locations.Check(reference);
            if (canBatch && reference.Version is null && (reference.Stage is null || reference.Stage == AwsSecretsManagerSecretProvider.CurrentStage))
            {
                if (!batchable.TryGetValue(reference.Path, out var indexes))
                {
                    batchable[reference.Path] = indexes = [];
                }

                indexes.Add(i);
            }
            else
            {
                single.Add(i);
            }
        }

        try
        {
            // Start-up loads are latency-bound: a few batch calls in flight at once cut the wall time by that factor.
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxConcurrentRequests), CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(batchable.Keys.Chunk(BatchLimit), parallel, async (chunk, token) =>
                await BatchGetAsync(references, chunk, batchable, results, token).ConfigureAwait(false)).ConfigureAwait(false);

            foreach (var index in single)
            {
                results[index] = await GetOneAsync(references[index], cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var result in results)
            {
                result?.Secret?.Dispose();
            }

            throw;
        }

        return results!;
    }

    private async ValueTask<SecretResult> GetOneAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        try
        {
            return SecretResult.Success(reference, await getOne(reference, cancellationToken).ConfigureAwait(false));
        }
        catch (SecretStoreException ex)
        {
            return SecretResult.Failure(reference, ex);
        }
    }

    private async ValueTask BatchGetAsync(IReadOnlyList<SecretReference> references, string[] ids, Dictionary<string, List<int>> indexes, SecretResult?[] results, CancellationToken cancellationToken)
    {
        var values = new List<(Secret Secret, string? Arn)>();
        var errors = new List<(string SecretId, string Code, string? Message)>();
        try
        {
            string? next = null;
            do
            {
                using var response = await api.SendAsync("BatchGetSecretValue", AwsRequestBodies.BatchGetSecretValue(ids, next), secretName: null, cancellationToken).ConfigureAwait(false);
                next = AwsResponseReader.ReadBatch(response.Body, provider, values, errors);
            }
            while (next is not null);
        }
        catch (SecretAccessDeniedException) when (values.Count == 0)
        {
            // Callers allowed GetSecretValue but not BatchGetSecretValue still get their secrets, one call each.
            AwsLog.BatchDenied(logger, ids.Length);
            foreach (var id in ids)
            {
                foreach (var index in indexes[id])
                {
                    results[index] = await GetOneAsync(references[index], cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }
        catch (SecretStoreException ex) when (ex is not SecretFormatException)
        {
            foreach (var (secret, _) in values)
            {
                secret.Dispose();
            }

            foreach (var id in ids)
            {
                foreach (var index in indexes[id])
                {
                    results[index] = SecretResult.Failure(references[index], ex);
                }
            }

            return;
        }

        var unclaimed = new HashSet<string>(ids, StringComparer.Ordinal);
        foreach (var (secret, arn) in values)
        {
            var id = ids.FirstOrDefault(i => unclaimed.Contains(i) && Names(i, secret.Name, arn));
            if (id is null)
            {
                secret.Dispose();
                continue;
            }

            unclaimed.Remove(id);
            var first = true;
            foreach (var index in indexes[id])
            {
                // Each result owns its secret, so duplicates of one id get their own copy.
                results[index] = SecretResult.Success(references[index], first ? secret : Copy(secret));
                first = false;
            }
        }

        foreach (var (secretId, code, message) in errors)
        {
            var id = unclaimed.FirstOrDefault(i => i == secretId) ?? unclaimed.FirstOrDefault(i => Names(i, secretId, secretId));
            if (id is null)
            {
                continue;
            }

            unclaimed.Remove(id);
            var error = AwsErrorMapper.Map(provider, id, code, message, HttpStatusCode.BadRequest, retryAfter: null);
            foreach (var index in indexes[id])
            {
                results[index] = SecretResult.Failure(references[index], error);
            }
        }

        foreach (var id in unclaimed)
        {
            foreach (var index in indexes[id])
            {
                results[index] = SecretResult.Failure(references[index], new SecretNotFoundException(provider, id, "BatchGetSecretValue returned neither a value nor an error for it."));
            }
        }
    }

    private static bool Names(string id, string name, string? arn) =>
        id == name || (arn is not null && (id == arn || (id.StartsWith("arn:", StringComparison.Ordinal) && arn.StartsWith(id + "-", StringComparison.Ordinal) && arn.Length == id.Length + 7)));

    private static Secret Copy(Secret secret)
    {
        using var lease = secret.Value.Lease();
        return new Secret(secret.Properties, SecretValue.FromBytes(lease.Span));
    }
}
