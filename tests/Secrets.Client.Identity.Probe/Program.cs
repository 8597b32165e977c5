using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Amazon;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Aws;
using Secrets.Client.Azure;
using Secrets.Client.Gcp;
using Secrets.Client.Identity.Probe;
using Secrets.Client.Tests.Shared;

// Usage: probe <aws|azure|gcp> key=value...   then commands on stdin, one JSON answer per line on stdout:
//   read <reference>    invalidate the cached value and read it through the store
//   clock <seconds>     move the AWS SDK's clock (AWSConfigs.ManualClockCorrection) that far ahead of the system's
//   quit                print every log line, trace and metric text to stderr and exit
var settings = args.Skip(1).Select(arg => arg.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
using var telemetry = new TelemetryCapture("Secrets.Client");
using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(telemetry)));
var audit = new RecordingAuditSink();
var provider = CreateProvider(args[0], settings, loggerFactory);
var storeOptions = new SecretStoreOptions { Environment = settings.GetValueOrDefault("environment", "Production") };
await using var store = new SecretStore([provider], storeOptions, loggerFactory: loggerFactory, auditSink: audit);

while (Console.ReadLine() is { } line)
{
    var command = line.Split(' ', 2);
    try
    {
        switch (command[0])
        {
            case "read":
                var reference = SecretReference.Parse(command[1]);
                store.Invalidate(reference);
                using (var secret = await store.GetSecretAsync(reference))
                {
                    var hash = secret.Value.Use(0, static (bytes, _) => Convert.ToHexStringLower(SHA256.HashData(bytes)));
                    Answer(new { ok = true, sha256 = hash, identity = provider.Identity, audit = audit.Last?.Identity });
                }

                break;
            case "clock":
                AWSConfigs.ManualClockCorrection = TimeSpan.FromSeconds(double.Parse(command[1], System.Globalization.CultureInfo.InvariantCulture));
                Answer(new { ok = true });
                break;
            case "quit":
                foreach (var text in telemetry.Texts)
                {
                    Console.Error.WriteLine("telemetry: " + text.ReplaceLineEndings(" "));
                }

                return 0;
        }
    }
    catch (Exception ex)
    {
        telemetry.Add(ex.ToString());
        Answer(new { ok = false, type = ex.GetType().Name, message = ex.Message, identity = provider.Identity, audit = audit.Last?.Identity, auditOutcome = audit.Last?.Outcome.ToString() });
    }
}

return 0;

static void Answer(object answer) => Console.WriteLine(JsonSerializer.Serialize(answer));

static SecretProvider CreateProvider(string platform, Dictionary<string, string> settings, ILoggerFactory loggers)
{
    var productionIdentities = settings.GetValueOrDefault("production-identity");
    SecretProvider provider = platform switch
    {
        "aws" => new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions { Region = settings.GetValueOrDefault("region"), Endpoint = new Uri(settings["endpoint"]) }, loggers),
        "gcp" => new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions { Endpoint = settings.TryGetValue("endpoint", out var gcpEndpoint) ? new Uri(gcpEndpoint) : null, DefaultProject = settings.GetValueOrDefault("project") }, loggers),
        "azure" => new AzureKeyVaultSecretProvider(AzureOptions(settings), loggers),
        _ => throw new ArgumentException("Unknown platform " + platform),
    };
    if (productionIdentities is not null)
    {
        provider.Options.ProductionIdentities.Add(productionIdentities);
    }

    return provider;
}

static AzureKeyVaultSecretProviderOptions AzureOptions(Dictionary<string, string> settings)
{
    // The vault's own certificate is configuration (as a private CA would be); the identity comes from the environment.
    var vaultCertificate = X509CertificateLoader.LoadCertificateFromFile(settings["vault-certificate"]);
    var options = new AzureKeyVaultSecretProviderOptions
    {
        ConfigureClientOptions = client =>
        {
            client.Transport = new HttpClientTransport(PinnedHandler(vaultCertificate));
            client.DisableChallengeResourceVerification = true;
        },
    };
    if (settings.TryGetValue("authority-certificate", out var authorityCertificate))
    {
        // The narrowest seam Azure.Identity offers for workload identity on loopback: its own WorkloadIdentityCredential,
        // which reads AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST itself; only
        // instance discovery (which asks login.microsoftonline.com about any other host) and the TLS trust are set here.
        options.Credential = new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions
        {
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(PinnedHandler(X509CertificateLoader.LoadCertificateFromFile(authorityCertificate))),
        });
    }

    options.Vaults["main"] = new Uri(settings["vault"]);
    return options;
}

static SocketsHttpHandler PinnedHandler(X509Certificate2 pinned)
{
    var handler = new SocketsHttpHandler();
    handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == pinned.GetCertHashString(HashAlgorithmName.SHA256);
    return handler;
}
