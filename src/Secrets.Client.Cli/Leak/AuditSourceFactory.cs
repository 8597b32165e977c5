using Microsoft.Extensions.Configuration;

namespace Secrets.Client.Cli;

/// <summary>
/// Builds the audit sources configured under <c>Secrets:AuditSources</c> (<c>Sdk</c>, <c>CloudTrail</c>, <c>CloudLogging</c>,
/// <c>VaultFileAudit</c>, <c>AzureAuditEvents</c>); the SDK trail also from <c>Secrets:Audit:Directory</c>.
/// </summary>
internal static class AuditSourceFactory
{
    public static IReadOnlyList<IAuditSource> Create(ToolConfiguration configuration, CliContext context, HttpClient http)
    {
        var sources = new List<IAuditSource>();
        var section = configuration.Secrets.GetSection("AuditSources");
        var sdk = section.GetSection("Sdk");
        var sdkDirectory = sdk["Directory"] ?? configuration.Secrets["Audit:Directory"];
        if (sdkDirectory is not null)
        {
            sources.Add(new JsonLinesAuditSource(Path.GetFullPath(sdkDirectory, configuration.ConfigDirectory),
                sdk["FilePrefix"] ?? configuration.Secrets["Audit:FilePrefix"] ?? JsonLinesSecretAuditSinkOptions.DefaultFilePrefix));
        }

        var cloudTrail = section.GetSection("CloudTrail");
        if (cloudTrail.Exists())
        {
            var region = AwsJsonClient.RegionFrom(cloudTrail);
            var endpoint = cloudTrail["Endpoint"] is { } configured ? new Uri(configured) : new Uri($"https://cloudtrail.{region}.amazonaws.com/");
            sources.Add(new CloudTrailAuditSource(new AwsJsonClient(http, endpoint, region, "cloudtrail",
                "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", AwsJsonClient.CredentialsFrom(cloudTrail))));
        }

        var logging = section.GetSection("CloudLogging");
        if (logging.Exists())
        {
            var project = logging["Project"] ?? throw new CliUsageException("Secrets:AuditSources:CloudLogging needs Project.");
            var endpoint = new Uri(logging["Endpoint"] is { } configured ? (configured.EndsWith('/') ? configured : configured + "/") : "https://logging.googleapis.com/");
            sources.Add(new CloudLoggingAuditSource(http, endpoint, project, context.Variable(logging["AccessTokenVariable"] ?? "CLOUDSDK_AUTH_ACCESS_TOKEN")));
        }

        var vault = section.GetSection("VaultFileAudit");
        if (vault["Path"] is { } vaultPath)
        {
            Func<string, CancellationToken, Task<string?>>? hash = null;
            var token = context.Variable(vault["TokenVariable"] ?? "VAULT_TOKEN");
            var address = vault["Endpoint"] ?? context.Variable("VAULT_ADDR");
            if (token is not null && address is not null)
            {
                hash = VaultFileAuditSource.AuditHash(http, new Uri(address.EndsWith('/') ? address : address + "/"), vault["Device"] ?? "file", token);
            }

            sources.Add(new VaultFileAuditSource(Path.GetFullPath(vaultPath, configuration.ConfigDirectory), vault["Mount"] ?? "secret", hash));
        }

        if (section["AzureAuditEvents:Path"] is { } azurePath)
        {
            sources.Add(new AzureAuditEventSource(Path.GetFullPath(azurePath, configuration.ConfigDirectory)));
        }

        return sources;
    }
}
