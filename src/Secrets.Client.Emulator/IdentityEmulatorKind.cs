using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator aws-identity|azure-identity|gcp-identity</c>: a platform's identity emulator and its cloud
/// emulator, which accepts only the credentials the identity emulator issues. It prints the environment an app has on
/// that platform (no key, no token of its own: the official credential chain gets them) plus where the cloud emulator is:
/// AWS web identity (EKS/IRSA), Azure App Service managed identity, the GCP metadata server.
/// </summary>
internal sealed class IdentityEmulatorKind : IRunningEmulator
{
    private readonly IRunningEmulator _cloud;
    private readonly IAsyncDisposable _identity;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _platform;
    private readonly string[] _withheld;
    private readonly string? _directory;

    private IdentityEmulatorKind(IRunningEmulator cloud, IAsyncDisposable identity, IReadOnlyList<KeyValuePair<string, string>> platform, string[] withheld, string? directory)
    {
        _cloud = cloud;
        _identity = identity;
        _platform = platform;
        _withheld = withheld;
        _directory = directory;
    }

    /// <summary>Gets the platform's variables, then the cloud emulator's without its own test credentials.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment =>
        [.. _platform, .. _cloud.Environment.Where(variable => !_withheld.Contains(variable.Key, StringComparer.Ordinal))];

    public static async Task<IRunningEmulator> StartAwsAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var identity = await AwsIdentityEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var directory = Directory.CreateTempSubdirectory("secrets-emulator-aws-identity-").FullName;
        var tokenFile = Path.Combine(directory, "token");
        await File.WriteAllTextAsync(tokenFile, identity.IssueWebIdentityToken(), cancellationToken).ConfigureAwait(false);
        var cloud = await EmulatorKinds.Aws.StartAsync(settings with { Authenticator = identity.Authenticate }, cancellationToken).ConfigureAwait(false);
        return new IdentityEmulatorKind(
            cloud,
            identity,
            [new("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile), new("AWS_ROLE_ARN", identity.RoleArn("app")), new("AWS_ROLE_SESSION_NAME", "app"), new("AWS_ENDPOINT_URL_STS", identity.StsEndpoint)],
            ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECRETS_MANAGER_AGENT_TOKEN"],
            directory);
    }

    public static async Task<IRunningEmulator> StartAzureAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var identity = await AzureIdentityEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var cloud = await EmulatorKinds.Azure.StartAsync(settings with { Authenticator = identity.Authenticate, TenantId = identity.TenantId }, cancellationToken).ConfigureAwait(false);
        return new IdentityEmulatorKind(
            cloud,
            identity,
            [new("IDENTITY_ENDPOINT", identity.ManagedIdentityEndpoint.ToString()), new("IDENTITY_HEADER", identity.IdentityHeader)],
            ["AZURE_KEYVAULT_TOKEN"],
            directory: null);
    }

    public static async Task<IRunningEmulator> StartGcpAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var identity = await GcpIdentityEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var cloud = await EmulatorKinds.Gcp.StartAsync(settings with { Authenticator = identity.Authenticate }, cancellationToken).ConfigureAwait(false);
        // SECRET_MANAGER_EMULATOR_HOST means "no credentials" to Google's libraries and to the adapter, so the endpoint is
        // printed as SECRET_MANAGER_ENDPOINT, which the adapter reads (GcpSecretManagerSecretProvider.EndpointVariable)
        // and reaches with the platform's credentials.
        var endpoint = cloud.Environment.First(variable => variable.Key == "SECRET_MANAGER_EMULATOR_HOST").Value;
        return new IdentityEmulatorKind(
            cloud,
            identity,
            [new("GCE_METADATA_HOST", identity.MetadataHost), new("SECRET_MANAGER_ENDPOINT", "http://" + endpoint + "/")],
            ["SECRET_MANAGER_EMULATOR_HOST"],
            directory: null);
    }

    public async ValueTask DisposeAsync()
    {
        await _cloud.DisposeAsync().ConfigureAwait(false);
        await _identity.DisposeAsync().ConfigureAwait(false);
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
