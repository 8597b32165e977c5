using Secrets.Client.Transport;

namespace Secrets.Client.Aws;

/// <content>Disabling a version: its staging labels removed, so that no stage read returns it.</content>
public partial class AwsSecretsManagerSecretProvider
{
    /// <summary>Gets <see langword="true"/> unless reads go through the local agent, which only reads.</summary>
    public override bool SupportsVersionDisabling => _agentUrl is null;

    /// <summary>
    /// Stops Secrets Manager serving a version by removing every staging label it holds (<c>AWSPREVIOUS</c>,
    /// <c>AWSPENDING</c>, custom labels), one <c>UpdateSecretVersionStage</c> with <c>RemoveFromVersionId</c> each: a
    /// version without labels is deprecated, no stage read returns it, and AWS deletes it in time. A read by its version
    /// id still works until then, so revoke what the value grants as well. A version that holds no label already is left
    /// as it is.
    /// </summary>
    /// <param name="reference">The secret's name or ARN, pinned to the version id to disable.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>A task that completes once no label points at the version.</returns>
    /// <exception cref="SecretVersionInUseException">The version holds <c>AWSCURRENT</c>, which Secrets Manager cannot take away without moving it: rotate first.</exception>
    /// <exception cref="SecretNotFoundException">The secret, or a version with that id, does not exist.</exception>
    /// <exception cref="NotSupportedException">Reads go through the local agent.</exception>
    public override async ValueTask DisableSecretVersionAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        _locations.Check(reference);
        var version = RequireVersion(reference);
        if (_agentUrl is not null)
        {
            throw new NotSupportedException($"Provider '{Name}' reads through the Secrets Manager agent, which cannot change staging labels.");
        }

        var description = await DescribeAsync(reference.Path, cancellationToken).ConfigureAwait(false);
        if (description.DeletedDate is not null)
        {
            throw new SecretNotFoundException(Name, reference.Path, "The secret is scheduled for deletion.") { ErrorCode = "InvalidRequestException" };
        }

        if (!description.VersionsToStages.TryGetValue(version, out var stages) || stages.Length == 0)
        {
            // Already unlabelled (or a retry after the labels went): done, if the version exists at all.
            await foreach (var known in ListSecretVersionsAsync(reference, includeDeprecated: true, cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(known.Version, version, StringComparison.Ordinal))
                {
                    return;
                }
            }

            throw new SecretNotFoundException(Name, reference.Path, $"It has no version '{version}'.") { ErrorCode = "ResourceNotFoundException" };
        }

        if (stages.Contains(CurrentStage, StringComparer.Ordinal))
        {
            throw new SecretVersionInUseException(Name, reference.Path, version, $"it holds {CurrentStage}; rotate first, then disable the version that was current.");
        }

        foreach (var stage in stages)
        {
            using var response = await _api.SendAsync("UpdateSecretVersionStage", RemoveStageBody(reference.Path, stage, version), reference.Path, cancellationToken).ConfigureAwait(false);
        }

        var removed = "removed " + string.Join(", ", stages);
        SecretProviderLog.VersionDisabled(_logger, Name, reference.Path, version, "region " + Region, removed);
    }

    private static PooledBuffer RemoveStageBody(string secretId, string stage, string version)
    {
        var body = new PooledBuffer(256);
        var writer = new AwsJsonWriter(body);
        writer.String("SecretId", secretId);
        writer.String("VersionStage", stage);
        writer.String("RemoveFromVersionId", version);
        writer.End();
        return body;
    }
}
