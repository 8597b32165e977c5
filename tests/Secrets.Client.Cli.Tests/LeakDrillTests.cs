using System.Text.Json;
using Amazon.Runtime;
using Secrets.Client.Aws;
using Secrets.Client.Gcp;
using Secrets.Client.Testing;
using Secrets.Client.Vault;

namespace Secrets.Client.Cli.Tests;

/// <summary>
/// The leak drill on the emulators, one backend at a time: an app reads the secret before, during and after the leak
/// window; the tool responds; the report lists exactly the reads in the window from the SDK's trail and the backend's
/// own audit source. In the AWS drill two app processes move to the new version through the push path (change events
/// on the SQS emulator), which the tool confirms as a step (<see cref="CliContext.ConfirmInstances"/>).
/// </summary>
public sealed class LeakDrillTests
{
    private const string Canary = CliHarness.Canary;

    [Fact]
    public async Task Aws_rotates_every_instance_moves_through_push_the_leaked_version_leaves_every_window_and_reads_in_the_window_are_reported()
    {
        using var drill = new DrillHarness();
        var log = new EmulatorAccessLog();
        await using var sqs = await SqsEmulator.StartAsync();
        await using var aws = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions
        {
            TimeProvider = drill.Clock, AccessLog = log, ChangeEvents = json => sqs.Publish(ChangesTopic, json),
        });
        await using var trail = await CloudTrailEmulator.StartAsync(new CloudTrailEmulatorOptions { TimeProvider = drill.Clock, Source = log, Region = aws.Region });
        aws.CreateSecret("app/db", Canary);
        var leaked = aws.GetVersionId("app/db")!;
        var credentials = Path.Combine(drill.Root, "aws-credentials");
        await File.WriteAllTextAsync(credentials, $"[emu]\naws_access_key_id = {aws.AccessKeyId}\naws_secret_access_key = {aws.SecretAccessKey}\n");
        await using var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = aws.Region, Endpoint = aws.Endpoint, Credentials = new BasicAWSCredentials(aws.AccessKeyId, aws.SecretAccessKey), TimeProvider = drill.Clock,
        });
        await using var app = drill.App(provider);

        // Two app processes, each listening on its own queue subscribed to the topic the backend's change events reach.
        var instances = new List<System.Diagnostics.Process>();
        foreach (var id in new[] { "web-1", "web-2" })
        {
            var queue = sqs.CreateQueue("secrets-client-" + id);
            sqs.Subscribe(ChangesTopic, queue);
            instances.Add(StartInstance(aws, sqs, queue, drill.AuditDirectory));
        }

        foreach (var instance in instances)
        {
            Assert.Equal("ready " + leaked, await instance.StandardOutput.ReadLineAsync()); // two app processes serve the leaked version
        }

        await drill.ReadAsync(app, "aws-sm://app/db");                       // before the window
        drill.Clock.Advance(TimeSpan.FromMinutes(1));
        var since = drill.Clock.GetUtcNow();
        await drill.ReadAsync(app, "aws-sm://app/db");                       // in the window
        await drill.ReadAsync(app, $"aws-sm://app/db?version={leaked}");     // in the window, version asked
        var until = drill.Clock.GetUtcNow();
        drill.Clock.Advance(TimeSpan.FromMinutes(1));
        await drill.ReadAsync(app, "aws-sm://app/db");                       // after the window
        await drill.WriteSettingsAsync(new
        {
            Environment = "Development",
            Providers = new Dictionary<string, object> { ["aws-sm"] = new { Type = "aws", aws.Region, Endpoint = aws.Endpoint.ToString(), Profile = "emu", ProfilesLocation = credentials } },
            AuditSources = new
            {
                Sdk = new { Directory = drill.AuditDirectory },
                CloudTrail = new { trail.Region, Endpoint = trail.Endpoint.ToString(), Profile = "emu", ProfilesLocation = credentials },
            },
        });

        // The tool confirms each instance moved by what the instance itself reports serving (pushed, never asked to refresh).
        var confirmed = new List<string>();
        drill.ConfirmInstances = async (reference, version, cancellationToken) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            foreach (var instance in instances)
            {
                while (await instance.StandardOutput.ReadLineAsync(timeout.Token) is { } line && line != "serving " + version)
                {
                }

                confirmed.Add(version);
            }

            return new Secrets.Client.Cli.LeakStep("instances-moved", "done", $"{instances.Count} instances serve version {version}");
        };

        var (exit, report) = await drill.LeakAsync("aws-sm://app/db", "--since", DrillHarness.Time(since), "--until", DrillHarness.Time(until));

        var steps = report.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("status").GetString());
        Assert.Equal("done", steps["rotate"]);
        Assert.Equal("done", steps["confirm-current"]);
        Assert.Equal("done", steps["stop-serving-leaked-version"]);
        Assert.Equal("done", steps["store-previous-version-window"]);
        Assert.Equal("done", steps["instances-moved"]);
        Assert.Equal(0, exit);
        var rotated = aws.GetVersionId("app/db");
        Assert.NotEqual(leaked, rotated);
        Assert.Equal([rotated!, rotated!], confirmed);
        Assert.Equal(leaked, report.GetProperty("leakedVersion").GetString());
        Assert.Null(aws.GetVersionId("app/db", "AWSPREVIOUS"));
        await Assert.ThrowsAsync<SecretNotFoundException>(async () => await app.GetSecretAsync("aws-sm://app/db?stage=AWSPREVIOUS"));
        app.Invalidate(SecretReference.Parse("aws-sm://app/db"));
        var current = await app.GetSecretAsync("aws-sm://app/db");
        Assert.NotEqual(Canary, current.Value.ExposeAsString());

        // The leaked version left every instance's rotation window: it serves the new version and accepts no previous one.
        foreach (var instance in instances)
        {
            await instance.StandardInput.WriteLineAsync("window");
            Assert.Equal($"window {rotated} -", await instance.StandardOutput.ReadLineAsync());
            instance.StandardInput.Close();
            await instance.WaitForExitAsync();
            Assert.Equal(0, instance.ExitCode);
            instance.Dispose();
        }

        var reads = DrillHarness.Reads(report);
        Assert.True(reads.Count == 4, string.Join("\n", reads));
        Assert.All(reads, r => Assert.InRange(r.Time, since.AddSeconds(-1), until));
        var sdk = reads.Where(r => r.Source == "sdk-audit").ToList();
        Assert.Equal(2, sdk.Count);
        Assert.All(sdk, r => Assert.Equal(Environment.MachineName, r.Host));
        Assert.All(sdk, r => Assert.Equal(leaked, r.Version));
        var cloudTrail = reads.Where(r => r.Source == "aws-cloudtrail").ToList();
        Assert.Equal(2, cloudTrail.Count);
        Assert.All(cloudTrail, r => Assert.Equal("arn:aws:iam::123456789012:user/emulator", r.Principal));
        Assert.All(cloudTrail, r => Assert.Equal("127.0.0.1", r.Host));
        Assert.Contains(cloudTrail, r => r.Version == leaked);
        Assert.DoesNotContain(Canary, string.Concat(drill.AllOutput));
    }

    private const string ChangesTopic = "secrets-changes";

    private static System.Diagnostics.Process StartInstance(AwsSecretsManagerEmulator aws, SqsEmulator sqs, string queueUrl, string auditDirectory)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "exec", typeof(AuditWriterProgram).Assembly.Location, "serve", aws.Endpoint.ToString(), aws.Region, aws.AccessKeyId, aws.SecretAccessKey, auditDirectory, "aws-sm://app/db",
            sqs.Endpoint.ToString(), queueUrl, sqs.AccessKeyId, sqs.SecretAccessKey,
        })
        {
            start.ArgumentList.Add(argument);
        }

        return System.Diagnostics.Process.Start(start)!;
    }

    [Fact]
    public async Task Gcp_reports_sdk_and_cloud_audit_log_reads_in_the_window()
    {
        using var drill = new DrillHarness();
        var log = new EmulatorAccessLog();
        await using var gcp = await GcpSecretManagerEmulator.StartAsync(new GcpSecretManagerEmulatorOptions { TimeProvider = drill.Clock, AccessLog = log, TestToken = "app-token" });
        await using var logging = await CloudLoggingEmulator.StartAsync(new CloudLoggingEmulatorOptions { TimeProvider = drill.Clock, Source = log, ProjectId = gcp.ProjectId });
        gcp.AddVersion("app-db", Canary);
        gcp.AddVersion("app-db", Canary + "-2");
        await using var provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = gcp.Endpoint, DefaultProject = gcp.ProjectId, AccessTokenProvider = _ => new ValueTask<string>("app-token"), TimeProvider = drill.Clock,
        });
        await using var app = drill.App(provider);

        await drill.ReadAsync(app, "gcp-sm://app-db");
        drill.Clock.Advance(TimeSpan.FromMinutes(1));
        var since = drill.Clock.GetUtcNow();
        await drill.ReadAsync(app, "gcp-sm://app-db");
        await drill.ReadAsync(app, "gcp-sm://app-db?version=1");
        var until = drill.Clock.GetUtcNow();
        drill.Clock.Advance(TimeSpan.FromMinutes(1));
        await drill.ReadAsync(app, "gcp-sm://app-db");
        drill.Environment["LOGGING_TOKEN"] = logging.AccessToken;
        await drill.WriteSettingsAsync(new
        {
            AuditSources = new
            {
                Sdk = new { Directory = drill.AuditDirectory },
                CloudLogging = new { Project = gcp.ProjectId, Endpoint = logging.Endpoint.ToString(), AccessTokenVariable = "LOGGING_TOKEN" },
            },
        });

        var (exit, report) = await drill.LeakAsync("gcp-sm://app-db", "--no-rotate", "--since", DrillHarness.Time(since), "--until", DrillHarness.Time(until));

        Assert.Equal(0, exit);
        var reads = DrillHarness.Reads(report);
        Assert.Equal(4, reads.Count);
        Assert.Equal(["1", "2"], reads.Where(r => r.Source == "sdk-audit").Select(r => r.Version).Order());
        var audit = reads.Where(r => r.Source == "gcp-cloud-audit-logs").ToList();
        Assert.Equal(["1", "latest (as asked)"], audit.Select(r => r.Version).Order());
        Assert.All(audit, r => Assert.Equal($"emulator@{gcp.ProjectId}.iam.gserviceaccount.com", r.Principal));
        Assert.All(audit, r => Assert.Equal("127.0.0.1", r.Host));
        Assert.DoesNotContain(Canary, string.Concat(drill.AllOutput));
    }

    [Fact]
    public async Task Gcp_rotates_and_disables_the_leaked_version_so_neither_backend_nor_store_serves_it()
    {
        using var drill = new DrillHarness();
        await using var identity = await GcpIdentityEmulator.StartAsync();
        await using var gcp = await GcpSecretManagerEmulator.StartAsync(new GcpSecretManagerEmulatorOptions { TimeProvider = drill.Clock, Authenticator = identity.Authenticate });
        gcp.AddVersion("app-db", Canary);

        // Application Default Credentials (workload identity federation against the identity emulator), for the tool and
        // the app alike. No other test of this assembly uses ADC, which the Google library resolves once per process.
        var subjectToken = Path.Combine(drill.Root, "oidc-token");
        await File.WriteAllTextAsync(subjectToken, identity.IssueSubjectToken());
        var adc = Path.Combine(drill.Root, "credential-configuration.json");
        await File.WriteAllTextAsync(adc, identity.CreateExternalAccountJson(subjectToken));
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", adc);
        await using var provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions { Endpoint = gcp.Endpoint, DefaultProject = gcp.ProjectId, TimeProvider = drill.Clock });
        await using var app = drill.App(provider);
        await drill.ReadAsync(app, "gcp-sm://app-db?version=1");
        var since = drill.Clock.GetUtcNow();
        await drill.WriteSettingsAsync(new
        {
            Environment = "Development",
            Providers = new Dictionary<string, object> { ["gcp-sm"] = new { Type = "gcp", Endpoint = gcp.Endpoint.ToString(), DefaultProject = gcp.ProjectId } },
            AuditSources = new { Sdk = new { Directory = drill.AuditDirectory } },
        });

        var (exit, report) = await drill.LeakAsync("gcp-sm://app-db", "--generate", "32", "--since", DrillHarness.Time(since));

        var steps = DrillHarness.Steps(report);
        Assert.True(steps["rotate"].Item1 == "done", steps["rotate"].Item2);
        Assert.Equal("done", steps["confirm-current"].Item1);
        Assert.True(steps["stop-serving-leaked-version"].Item1 == "done", steps["stop-serving-leaked-version"].Item2);
        Assert.Equal("done", steps["store-previous-version-window"].Item1);
        Assert.Equal("manual", steps["instances-moved"].Item1);
        Assert.Equal(7, exit);
        Assert.Equal("1", report.GetProperty("leakedVersion").GetString());
        Assert.Equal("2", report.GetProperty("currentVersion").GetString());
        app.Invalidate(SecretReference.Parse("gcp-sm://app-db?version=1"));
        var disabled = await Assert.ThrowsAsync<SecretNotFoundException>(async () => await app.GetSecretAsync("gcp-sm://app-db?version=1"));
        Assert.Equal("SecretVersionDisabled", disabled.ErrorCode);
        app.Invalidate(SecretReference.Parse("gcp-sm://app-db"));
        var window = await app.GetRotationWindowAsync(SecretReference.Parse("gcp-sm://app-db"));
        Assert.Equal("2", window.Current.Properties.Version);
        Assert.Null(window.Previous); // the leaked version left the app's rotation window with it
        Assert.DoesNotContain(Canary, string.Concat(drill.AllOutput));
    }

    [Fact]
    public async Task Vault_reports_sdk_and_file_audit_reads_matching_hmacd_versions_through_audit_hash()
    {
        using var drill = new DrillHarness();
        var auditLog = Path.Combine(drill.Root, "vault-audit.log");
        await using var vault = await HashiCorpVaultEmulator.StartAsync(new HashiCorpVaultEmulatorOptions { TimeProvider = drill.Clock, AuditLogPath = auditLog });
        vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = Canary });
        vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = Canary + "-2" });
        const string tokenVariable = "SECRETS_CLI_DRILL_VAULT_TOKEN";
        Environment.SetEnvironmentVariable(tokenVariable, vault.RootToken);
        await using var provider = new HashiCorpVaultSecretProvider(new HashiCorpVaultSecretProviderOptions
        {
            Endpoint = vault.Address, AuthMethod = VaultAuthMethod.Token, TokenEnvironmentVariable = tokenVariable, TimeProvider = drill.Clock, Environment = "Development",
        });
        await using var app = drill.App(provider);

        await drill.ReadAsync(app, "vault://secret/app/db");
        drill.Clock.Advance(TimeSpan.FromMinutes(1));
        var since = drill.Clock.GetUtcNow();
        await drill.ReadAsync(app, "vault://secret/app/db");
        await drill.ReadAsync(app, "vault://secret/app/db?version=1");
        var until = drill.Clock.GetUtcNow();
        drill.Clock.Advance(TimeSpan.FromMinutes(1));
        await drill.ReadAsync(app, "vault://secret/app/db");
        drill.Environment["VT"] = vault.RootToken;
        await drill.WriteSettingsAsync(new
        {
            AuditSources = new
            {
                Sdk = new { Directory = drill.AuditDirectory },
                VaultFileAudit = new { Path = auditLog, Mount = "secret", Endpoint = vault.Address.ToString(), TokenVariable = "VT" },
            },
        });

        var (exit, report) = await drill.LeakAsync("vault://secret/app/db?version=1", "--no-rotate", "--since", DrillHarness.Time(since), "--until", DrillHarness.Time(until));

        Assert.Equal(0, exit);
        var reads = DrillHarness.Reads(report);
        Assert.True(reads.Count == 4, string.Join("\n", reads) + "\n" + report + "\n" + string.Join("\n", File.ReadLines(auditLog).Take(6)));
        Assert.Equal(["1", "2"], reads.Where(r => r.Source == "sdk-audit").Select(r => r.Version).Order());
        var audit = reads.Where(r => r.Source == "vault-file-audit").ToList();
        Assert.Equal(["1", "2"], audit.Select(r => r.Version).Order());
        Assert.All(audit, r => Assert.False(string.IsNullOrEmpty(r.Principal)));
        Assert.All(audit, r => Assert.Equal("127.0.0.1", r.Host));
        Assert.DoesNotContain(Canary, await File.ReadAllTextAsync(auditLog)); // the device HMACs values
        Assert.DoesNotContain(Canary, string.Concat(drill.AllOutput));
    }

    [Fact]
    public async Task Vault_rotates_and_deletes_the_leaked_version_so_neither_backend_nor_store_serves_it()
    {
        using var drill = new DrillHarness();
        await using var vault = await HashiCorpVaultEmulator.StartAsync(new HashiCorpVaultEmulatorOptions { TimeProvider = drill.Clock });
        vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = Canary });
        const string tokenVariable = "SECRETS_CLI_DRILL_VAULT_ROTATE_TOKEN";
        Environment.SetEnvironmentVariable(tokenVariable, vault.RootToken);
        drill.Environment[tokenVariable] = vault.RootToken;
        await using var provider = new HashiCorpVaultSecretProvider(new HashiCorpVaultSecretProviderOptions
        {
            Endpoint = vault.Address, AuthMethod = VaultAuthMethod.Token, TokenEnvironmentVariable = tokenVariable, TimeProvider = drill.Clock, Environment = "Development",
        });
        await using var app = drill.App(provider);
        await drill.ReadAsync(app, "vault://secret/app/db?version=1");
        var since = drill.Clock.GetUtcNow();
        await drill.WriteSettingsAsync(new
        {
            Environment = "Development",
            Providers = new Dictionary<string, object> { ["vault"] = new { Type = "vault", Endpoint = vault.Address.ToString(), AuthMethod = "Token", TokenEnvironmentVariable = tokenVariable } },
            AuditSources = new { Sdk = new { Directory = drill.AuditDirectory } },
        });

        var (exit, report) = await drill.LeakAsync("vault://secret/app/db", "--generate", "32", "--since", DrillHarness.Time(since));

        var steps = DrillHarness.Steps(report);
        Assert.Equal("done", steps["rotate"].Item1);
        Assert.Equal("done", steps["confirm-current"].Item1);
        Assert.True(steps["stop-serving-leaked-version"].Item1 == "done", steps["stop-serving-leaked-version"].Item2);
        Assert.Equal("done", steps["store-previous-version-window"].Item1);
        Assert.Equal("manual", steps["instances-moved"].Item1); // no instance runs in this drill: the step says what to check
        Assert.Equal(7, exit);
        Assert.Equal("1", report.GetProperty("leakedVersion").GetString());
        Assert.Equal("2", report.GetProperty("currentVersion").GetString());
        app.Invalidate(SecretReference.Parse("vault://secret/app/db?version=1"));
        var deleted = await Assert.ThrowsAsync<SecretNotFoundException>(async () => await app.GetSecretAsync("vault://secret/app/db?version=1"));
        Assert.Equal("SecretDeleted", deleted.ErrorCode); // soft: vault kv undelete would bring it back
        app.Invalidate(SecretReference.Parse("vault://secret/app/db"));
        var window = await app.GetRotationWindowAsync(SecretReference.Parse("vault://secret/app/db"));
        Assert.Equal("2", window.Current.Properties.Version);
        Assert.Null(window.Previous); // the leaked version left the app's rotation window with it

        Assert.DoesNotContain(Canary, string.Concat(drill.AllOutput));
    }

    [Fact]
    public async Task Azure_reports_sdk_and_auditevent_export_reads_in_the_window()
    {
        using var drill = new DrillHarness();
        var since = drill.Clock.GetUtcNow();
        var until = since.AddMinutes(10);
        const string vaultUri = "https://drill-kv.vault.azure.net";
        const string version = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
        drill.Sink.Record(new SecretAuditRecord { Timestamp = since.AddMinutes(-1), Provider = "azure-kv", SecretName = "app-db", Version = version, Kind = SecretAccessKind.Fetch, Outcome = SecretAuditOutcome.Success, User = "app", Host = "web-1", Process = "app[1]", Environment = "Production" });
        drill.Sink.Record(new SecretAuditRecord { Timestamp = since.AddMinutes(2), Provider = "azure-kv", SecretName = "app-db", Version = version, Kind = SecretAccessKind.Fetch, Outcome = SecretAuditOutcome.Success, Identity = "app-identity", User = "app", Host = "web-2", Process = "app[2]", Environment = "Production" });
        drill.Sink.Record(new SecretAuditRecord { Timestamp = since.AddMinutes(3), Provider = "azure-kv", SecretName = "other", Version = "x", Kind = SecretAccessKind.Fetch, Outcome = SecretAuditOutcome.Success, User = "app", Host = "web-2", Process = "app[2]", Environment = "Production" });
        object Record(DateTimeOffset time, string operation, string path, string ip, string upn) => new
        {
            time = time.UtcDateTime.ToString("O"), resourceId = "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/DRILL-KV",
            operationName = operation, operationVersion = "7.4", category = "AuditEvent", resultType = "Success", resultSignature = "OK", durationMs = "12",
            callerIpAddress = ip, correlationId = Guid.NewGuid().ToString(), identity = new { claim = new Dictionary<string, string> { ["http://schemas.microsoft.com/identity/claims/objectidentifier"] = "oid-1", ["upn"] = upn } },
            properties = new { id = vaultUri + path, clientInfo = "azsdk-net-Security.KeyVault.Secrets/4.12.0", requestUri = vaultUri + path + "?api-version=7.4", httpStatusCode = 200 },
        };
        var export = new
        {
            records = new[]
            {
                Record(since.AddMinutes(-1), "SecretGet", "/secrets/app-db/" + version, "10.0.0.1", "early@contoso.com"),
                Record(since.AddMinutes(1), "SecretGet", "/secrets/app-db/" + version, "10.0.0.2", "alice@contoso.com"),
                Record(since.AddMinutes(4), "SecretGet", "/secrets/app-db", "10.0.0.3", "bob@contoso.com"),
                Record(since.AddMinutes(5), "SecretList", "/secrets", "10.0.0.3", "bob@contoso.com"),
                Record(since.AddMinutes(6), "SecretGet", "/secrets/other/" + version, "10.0.0.4", "carol@contoso.com"),
                Record(until.AddMinutes(1), "SecretGet", "/secrets/app-db/" + version, "10.0.0.5", "late@contoso.com"),
            },
        };
        Directory.CreateDirectory(Path.Combine(drill.Root, "insights-logs-auditevent"));
        await File.WriteAllTextAsync(Path.Combine(drill.Root, "insights-logs-auditevent", "PT1H.json"), JsonSerializer.Serialize(export));
        await drill.WriteSettingsAsync(new { AuditSources = new { Sdk = new { Directory = drill.AuditDirectory }, AzureAuditEvents = new { Path = "insights-logs-auditevent" } } });

        var (exit, report) = await drill.LeakAsync("azure-kv://app-db", "--no-rotate", "--since", DrillHarness.Time(since), "--until", DrillHarness.Time(until));

        Assert.Equal(0, exit);
        var reads = DrillHarness.Reads(report);
        Assert.Equal([("sdk-audit", "app-identity", "web-2", version)], reads.Where(r => r.Source == "sdk-audit").Select(r => (r.Source, r.Principal, r.Host, r.Version)));
        Assert.Equal([("alice@contoso.com", "10.0.0.2", version), ("bob@contoso.com", "10.0.0.3", (string?)null)],
            reads.Where(r => r.Source == "azure-auditevent").Select(r => (r.Principal, r.Host, r.Version)));
    }
}
