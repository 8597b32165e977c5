using Microsoft.Extensions.Configuration;

namespace Secrets.Client.Cli;

/// <summary>
/// Stops the backend serving the leaked version, as each backend allows: AWS removes its <c>AWSPREVIOUS</c> label
/// (a version without labels is deprecated, and no stage read returns it); Vault destroys the version (KV v2
/// <c>POST mount/destroy/path</c>, with the token the provider is configured to read); GCP disables the version
/// (<c>versions/N:disable</c>, with Application Default Credentials, as the adapter authenticates by default); for Azure
/// the step says the command to run.
/// </summary>
internal static class LeakedVersionRevoker
{
    public static async Task<LeakStep> RevokeAsync(ToolStore tool, string type, IConfigurationSection providerSection, SecretReference reference,
        string leakedVersion, HttpClient http, CliContext context, CancellationToken cancellationToken)
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
                return await VaultDestroyAsync(tool, providerSection, reference, leakedVersion, http, context, cancellationToken).ConfigureAwait(false);
            case "GCP":
                return await GcpDisableAsync(tool, providerSection, reference, leakedVersion, http, cancellationToken).ConfigureAwait(false);
            case "AZURE":
                return new LeakStep(name, "manual", $"run `az keyvault secret set-attributes --enabled false --name {reference.Path} --version {leakedVersion} --vault-name VAULT`");
            default:
                return new LeakStep(name, "skipped", $"provider type '{type}' keeps no versions");
        }
    }

    private static async Task<LeakStep> VaultDestroyAsync(ToolStore tool, IConfigurationSection section, SecretReference reference, string leakedVersion,
        HttpClient http, CliContext context, CancellationToken cancellationToken)
    {
        const string name = "stop-serving-leaked-version";
        var slash = reference.Path.IndexOf('/', StringComparison.Ordinal);
        var manual = new LeakStep(name, "manual", $"run `vault kv destroy -versions={leakedVersion} {reference.Path}`");
        var tokenVariable = section["TokenEnvironmentVariable"] ?? Vault.HashiCorpVaultSecretProviderOptions.DefaultTokenEnvironmentVariable;
        var token = context.Variable(tokenVariable) ?? Environment.GetEnvironmentVariable(tokenVariable);
        if (slash <= 0 || !Uri.TryCreate(section["Endpoint"], UriKind.Absolute, out var endpoint) || string.IsNullOrEmpty(token)
            || !string.Equals(section["AuthMethod"], nameof(Vault.VaultAuthMethod.Token), StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(leakedVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            return manual; // only token auth is shared with the tool; other auth methods log in inside the provider
        }

        var mount = Uri.EscapeDataString(reference.Path[..slash]);
        var path = string.Join('/', reference.Path[(slash + 1)..].Split('/').Select(Uri.EscapeDataString));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, $"v1/{mount}/destroy/{path}"))
        {
            Content = new StringContent($"{{\"versions\":[{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}]}}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Vault-Token", token);
        if (section["Namespace"] is { Length: > 0 } vaultNamespace)
        {
            request.Headers.Add("X-Vault-Namespace", vaultNamespace);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return new LeakStep(name, "failed", $"Vault answered {(int)response.StatusCode} to destroying version {leakedVersion}; {manual.Detail}");
        }

        try
        {
            var provider = tool.Store.Providers.First(p => p.Name == reference.Provider);
            (await provider.GetSecretAsync(new SecretReference(reference.Provider, reference.Path, version: leakedVersion), cancellationToken).ConfigureAwait(false)).Dispose();
            return new LeakStep(name, "failed", $"version {leakedVersion} is still readable after destroy");
        }
        catch (SecretNotFoundException)
        {
            return new LeakStep(name, "done", $"destroyed version {leakedVersion}; it can no longer be read");
        }
    }

    private static async Task<LeakStep> GcpDisableAsync(ToolStore tool, IConfigurationSection section, SecretReference reference, string leakedVersion,
        HttpClient http, CancellationToken cancellationToken)
    {
        const string name = "stop-serving-leaked-version";
        var secret = reference.Path.Contains("/secrets/", StringComparison.Ordinal) ? reference.Path[(reference.Path.IndexOf("/secrets/", StringComparison.Ordinal) + "/secrets/".Length)..] : reference.Path;
        var project = reference.Path.StartsWith("projects/", StringComparison.Ordinal) ? reference.Path.Split('/')[1] : section["DefaultProject"];
        var manual = new LeakStep(name, "manual", $"run `gcloud secrets versions disable {leakedVersion} --secret={secret}` (or destroy)");
        if (string.IsNullOrEmpty(project) || section["CredentialFile"] is { Length: > 0 } || !long.TryParse(leakedVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return manual; // a service-account key file stays with the adapter: the tool shares Application Default Credentials only
        }

        var endpoint = Uri.TryCreate(section["Endpoint"], UriKind.Absolute, out var configured) ? configured : new Uri("https://secretmanager.googleapis.com/");
        var credential = (await Google.Apis.Auth.OAuth2.GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false))
            .CreateScoped("https://www.googleapis.com/auth/cloud-platform");
        var token = await ((Google.Apis.Auth.OAuth2.ITokenAccess)credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint,
            $"v1/projects/{Uri.EscapeDataString(project)}/secrets/{Uri.EscapeDataString(secret)}/versions/{leakedVersion}:disable"))
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return new LeakStep(name, "failed", $"Secret Manager answered {(int)response.StatusCode} to disabling version {leakedVersion}; {manual.Detail}");
        }

        try
        {
            var provider = tool.Store.Providers.First(p => p.Name == reference.Provider);
            await provider.GetPropertiesAsync(new SecretReference(reference.Provider, reference.Path, version: leakedVersion), cancellationToken).ConfigureAwait(false);
            return new LeakStep(name, "failed", $"version {leakedVersion} is still enabled after disable");
        }
        catch (SecretNotFoundException)
        {
            return new LeakStep(name, "done", $"disabled version {leakedVersion}; it can no longer be read (destroy it once nothing needs it)");
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
