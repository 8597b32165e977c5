namespace Secrets.Client.Cli;

/// <summary>
/// Stops the backend serving the leaked version through the provider the tool's store routes to
/// (<see cref="SecretStore.DisableSecretVersionAsync"/>: scoped, audited, with the provider's own credentials), then reads
/// back through the provider, never a cache: AWS must no longer stage the version (its labels were removed; a read by
/// version id still works until AWS deletes it), and on Azure, GCP and Vault the version must no longer be readable
/// (disabled, disabled, soft-deleted).
/// </summary>
internal static class LeakedVersionRevoker
{
    private const string StepName = "stop-serving-leaked-version";

    public static async Task<LeakStep> RevokeAsync(ToolStore tool, string type, SecretReference reference, string leakedVersion, CancellationToken cancellationToken)
    {
        var provider = tool.Store.Providers.First(p => p.Name == reference.Provider);
        var kind = type.ToUpperInvariant();
        if (!provider.SupportsVersionDisabling)
        {
            return kind is "AWS" or "AZURE" or "GCP" or "VAULT"
                ? new LeakStep(StepName, "manual", $"provider '{provider.Name}' cannot disable versions as configured; {ManualCommand(kind, reference, leakedVersion)}")
                : new LeakStep(StepName, "skipped", $"provider type '{type}' keeps no versions");
        }

        var pinned = new SecretReference(reference.Provider, reference.Path, version: leakedVersion);
        try
        {
            await tool.Store.DisableSecretVersionAsync(pinned, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretVersionInUseException ex)
        {
            return new LeakStep(StepName, "failed", ex.Message);
        }
        catch (SecretStoreException ex)
        {
            return new LeakStep(StepName, "failed", $"{ex.GetType().Name}: {ex.Message} {ManualCommand(kind, reference, leakedVersion)}");
        }

        return kind == "AWS"
            ? await CheckUnstagedAsync(provider, reference, leakedVersion, cancellationToken).ConfigureAwait(false)
            : await CheckUnreadableAsync(provider, pinned, kind, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<LeakStep> CheckUnstagedAsync(SecretProvider provider, SecretReference reference, string leakedVersion, CancellationToken cancellationToken)
    {
        var previous = await StageVersionAsync(provider, reference, Aws.AwsSecretsManagerSecretProvider.PreviousStage, cancellationToken).ConfigureAwait(false);
        var current = await StageVersionAsync(provider, reference, Aws.AwsSecretsManagerSecretProvider.CurrentStage, cancellationToken).ConfigureAwait(false);
        return previous == leakedVersion || current == leakedVersion
            ? new LeakStep(StepName, "failed", $"version {leakedVersion} still holds a staging label")
            : new LeakStep(StepName, "done", $"removed every staging label from version {leakedVersion}; no staging label serves it");
    }

    private static async Task<LeakStep> CheckUnreadableAsync(SecretProvider provider, SecretReference pinned, string kind, CancellationToken cancellationToken)
    {
        var version = pinned.Version!;
        try
        {
            // The provider itself, not the store: the check must not be answered from any cache. Metadata only: no value is read.
            await provider.GetPropertiesAsync(pinned, cancellationToken).ConfigureAwait(false);
            return new LeakStep(StepName, "failed", $"version {version} can still be read after disabling it");
        }
        catch (SecretNotFoundException)
        {
            return new LeakStep(StepName, "done", kind switch
            {
                "VAULT" => $"deleted version {version} (soft: `vault kv undelete` restores it; destroy it once nothing needs it); it can no longer be read",
                "GCP" => $"disabled version {version}; it can no longer be read (destroy it once nothing needs it)",
                _ => $"disabled version {version}; it can no longer be read",
            });
        }
    }

    private static string ManualCommand(string kind, SecretReference reference, string version) => kind switch
    {
        "AWS" => $"run `aws secretsmanager update-secret-version-stage --secret-id {reference.Path} --version-stage AWSPREVIOUS --remove-from-version-id {version}` for each label it holds",
        "AZURE" => $"run `az keyvault secret set-attributes --enabled false --name {reference.Path} --version {version} --vault-name VAULT`",
        "GCP" => $"run `gcloud secrets versions disable {version} --secret={reference.Path}`",
        "VAULT" => $"run `vault kv delete -versions={version} {reference.Path}`",
        _ => string.Empty,
    };

    private static async Task<string?> StageVersionAsync(SecretProvider provider, SecretReference reference, string stage, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await provider.GetPropertiesAsync(new SecretReference(reference.Provider, reference.Path, stage: stage), cancellationToken).ConfigureAwait(false);
            return properties.Version;
        }
        catch (SecretNotFoundException)
        {
            return null;
        }
    }
}
