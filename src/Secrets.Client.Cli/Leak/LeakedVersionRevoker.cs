using Microsoft.Extensions.Configuration;

namespace Secrets.Client.Cli;

/// <summary>
/// Stops the backend serving the leaked version, as each backend allows: AWS removes its <c>AWSPREVIOUS</c> label
/// (a version without labels is deprecated, and no stage read returns it); for the others the step says the command to run.
/// </summary>
internal static class LeakedVersionRevoker
{
    public static async Task<LeakStep> RevokeAsync(ToolStore tool, string type, IConfigurationSection providerSection, SecretReference reference,
        string leakedVersion, HttpClient http, CancellationToken cancellationToken)
    {
        const string name = "stop-serving-leaked-version";
        switch (type.ToUpperInvariant())
        {
            case "AWS":
                var provider = tool.Store.Providers.OfType<Aws.AwsSecretsManagerSecretProvider>().First(p => p.Name == reference.Provider);
                var client = new AwsJsonClient(http, provider.ServiceUrl, provider.Region, "secretsmanager", "secretsmanager", AwsJsonClient.CredentialsFrom(providerSection));
                var previous = await StageVersionAsync(tool, reference, Aws.AwsSecretsManagerSecretProvider.PreviousStage, cancellationToken).ConfigureAwait(false);
                if (previous == leakedVersion)
                {
                    (await client.SendAsync("UpdateSecretVersionStage", json =>
                    {
                        json.WriteString("SecretId", reference.Path);
                        json.WriteString("VersionStage", Aws.AwsSecretsManagerSecretProvider.PreviousStage);
                        json.WriteString("RemoveFromVersionId", leakedVersion);
                    }, cancellationToken).ConfigureAwait(false)).Dispose();
                }

                var after = await StageVersionAsync(tool, reference, Aws.AwsSecretsManagerSecretProvider.PreviousStage, cancellationToken).ConfigureAwait(false);
                var current = await StageVersionAsync(tool, reference, Aws.AwsSecretsManagerSecretProvider.CurrentStage, cancellationToken).ConfigureAwait(false);
                return after == leakedVersion || current == leakedVersion
                    ? new LeakStep(name, "failed", $"version {leakedVersion} still holds a staging label")
                    : new LeakStep(name, "done", $"removed AWSPREVIOUS from version {leakedVersion}; no staging label serves it");
            case "VAULT":
                return new LeakStep(name, "manual", $"run `vault kv destroy -versions={leakedVersion} {providerSection["Mount"] ?? "secret"}/{reference.Path}`");
            case "GCP":
                return new LeakStep(name, "manual", $"run `gcloud secrets versions disable {leakedVersion} --secret={reference.Path}` (or destroy)");
            case "AZURE":
                return new LeakStep(name, "manual", $"run `az keyvault secret set-attributes --enabled false --name {reference.Path} --version {leakedVersion} --vault-name VAULT`");
            default:
                return new LeakStep(name, "skipped", $"provider type '{type}' keeps no versions");
        }
    }

    private static async Task<string?> StageVersionAsync(ToolStore tool, SecretReference reference, string stage, CancellationToken cancellationToken)
    {
        try
        {
            // The provider itself, not the store: a version check must not be answered from any cache.
            var provider = tool.Store.Providers.First(p => p.Name == reference.Provider);
            var properties = await provider.GetPropertiesAsync(new SecretReference(reference.Provider, reference.Path, stage: stage), cancellationToken).ConfigureAwait(false);
            return properties.Version;
        }
        catch (SecretNotFoundException)
        {
            return null;
        }
    }
}
