using System.Collections.Frozen;
using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// The emulators this tool can run, one row each: how the kind starts (its options from the command line, then the
/// seed) and the variables that describe it, as the SDKs and our adapters read them. Adding a kind is one row here.
/// </summary>
internal static class EmulatorKinds
{
    /// <summary><c>aws</c>: Secrets Manager, with the variables the AWS SDKs and our adapter read.</summary>
    public static readonly EmulatorKind Aws = EmulatorKind.Of(
        AwsEmulatorKind.StartAsync,
        aws => [new("AWS_ENDPOINT_URL_SECRETS_MANAGER", WithoutSlash(aws.Endpoint)), .. AwsCredentials(aws), new("AWS_SECRETS_MANAGER_AGENT_TOKEN", aws.AgentToken)]);

    /// <summary><c>azure</c>: Key Vault, always HTTPS; its certificate is written to a PEM file whose path is printed.</summary>
    public static readonly EmulatorKind Azure = new(AzureEmulatorKind.StartAsync);

    /// <summary>
    /// <c>gcp</c>: Secret Manager without authentication, described by Google's emulator convention
    /// (<c>SECRET_MANAGER_EMULATOR_HOST</c>) and the project.
    /// </summary>
    public static readonly EmulatorKind Gcp = EmulatorKind.Of(
        GcpEmulatorKind.StartAsync,
        gcp => [new("SECRET_MANAGER_EMULATOR_HOST", gcp.Endpoint.Authority), GoogleProject(gcp.ProjectId)],
        plainHttpOnly: "The GCP emulator serves plain HTTP, as SECRET_MANAGER_EMULATOR_HOST expects");

    /// <summary>
    /// <c>vault</c>: HashiCorp Vault with Vault's own variables (<c>VAULT_TOKEN</c> is the root token, for the CLI and
    /// tools) plus the AppRole and Kubernetes credentials it accepts.
    /// </summary>
    public static readonly EmulatorKind Vault = EmulatorKind.Of(
        VaultEmulatorKind.StartAsync,
        vault =>
        [
            new("VAULT_ADDR", WithoutSlash(vault.Address)),
            new("VAULT_TOKEN", vault.RootToken),
            new("VAULT_APPROLE_ROLE_ID", vault.AppRoleRoleId),
            new("VAULT_APPROLE_SECRET_ID", vault.AppRoleSecretId),
            new("VAULT_KUBERNETES_ROLE", vault.KubernetesRole),
            new("VAULT_KUBERNETES_JWT", vault.KubernetesJwt),
        ],
        plainHttpOnly: "The Vault emulator serves plain HTTP on loopback only");

    /// <summary><c>sqs</c>: the SQS emulator (JSON protocol, SigV4), for running the AWS change listener locally.</summary>
    public static readonly EmulatorKind Sqs = EmulatorKind.Of(
        (settings, cancellationToken) =>
        {
            var options = new SqsEmulatorOptions { Port = settings.Port };
            options.Region = settings.Region ?? options.Region;
            return SqsEmulator.StartAsync(options, cancellationToken);
        },
        sqs => [new("AWS_ENDPOINT_URL_SQS", WithoutSlash(sqs.Endpoint)), .. AwsCredentials(sqs)],
        plainHttpOnly: "The SQS emulator serves plain HTTP on 127.0.0.1");

    /// <summary><c>pubsub</c>: Pub/Sub without authentication (<c>PUBSUB_EMULATOR_HOST</c>), for running the GCP change listener locally.</summary>
    public static readonly EmulatorKind PubSub = EmulatorKind.Of(
        (settings, cancellationToken) => PubSubEmulator.StartAsync(new PubSubEmulatorOptions { Port = settings.Port, AllowAnonymous = true }, cancellationToken),
        pubsub => [new("PUBSUB_EMULATOR_HOST", pubsub.Endpoint.Authority), GoogleProject(pubsub.ProjectId)],
        plainHttpOnly: "The Pub/Sub emulator serves plain HTTP, as PUBSUB_EMULATOR_HOST expects");

    /// <summary>Every kind by its command-line name.</summary>
    public static readonly FrozenDictionary<string, EmulatorKind> All = new Dictionary<string, EmulatorKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["aws"] = Aws,
        ["azure"] = Azure,
        ["gcp"] = Gcp,
        ["vault"] = Vault,
        ["sqs"] = Sqs,
        ["pubsub"] = PubSub,
        ["aws-identity"] = new(IdentityEmulatorKind.StartAwsAsync),
        ["azure-identity"] = new(IdentityEmulatorKind.StartAzureAsync),
        ["gcp-identity"] = new(IdentityEmulatorKind.StartGcpAsync),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    // The AWS SDKs take endpoints without the trailing slash.
    private static string WithoutSlash(Uri endpoint) => endpoint.ToString().TrimEnd('/');

    private static IEnumerable<KeyValuePair<string, string>> AwsCredentials(AwsEmulator aws) =>
        [new("AWS_ACCESS_KEY_ID", aws.AccessKeyId), new("AWS_SECRET_ACCESS_KEY", aws.SecretAccessKey), new("AWS_REGION", aws.Region)];

    private static KeyValuePair<string, string> GoogleProject(string projectId) => new("GOOGLE_CLOUD_PROJECT", projectId);
}
