using System.Text.Json.Nodes;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Testing.Tests.Judges;

/// <summary>
/// Each service's official npm client drives the operations the emulators gained (lifecycle and labels on AWS,
/// policies, token creation, metadata writes and merge-patch on Vault, deleted listing and backup/restore on Azure,
/// updateMask and payload checksums on GCP); the answers it decoded must be the service's.
/// </summary>
public sealed class OperationsJudgeTests
{
    [Fact]
    public async Task Aws_sdk_updates_moves_stages_tags_generates_passwords_deletes_and_restores()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        var answers = await RunAsync("aws/operations.mjs", "@aws-sdk/client-secrets-manager", null, emulator.Endpoint.ToString().TrimEnd('/'), emulator.Region, emulator.AccessKeyId, emulator.SecretAccessKey);

        AssertJson("""{"newVersion":true,"current":"v2","currentIsUpdate":true}""", answers["update"]);
        AssertJson("""{"current":"v1","previous":"v2","custom":"v2","moveWithoutRemove":"InvalidParameterException"}""", answers["stage"]);
        AssertJson("""{"tags":[{"Key":"team","Value":"b"}],"description":"the database"}""", answers["tags"]);
        AssertJson("""{"length":40,"alphanumeric":true,"digits":true}""", answers["password"]);
        AssertJson("""{"both":"InvalidParameterException","shortWindow":"InvalidParameterException","readWhileDeleted":"InvalidRequestException","afterRestore":"v1"}""", answers["delete"]);
        Assert.Equal(3, emulator.GetRequestCount("UpdateSecretVersionStage"));
    }

    [Fact]
    public async Task Aws_sqs_client_long_polls_hides_received_messages_redelivers_deletes_tags_and_sees_a_deleted_queue()
    {
        await using var emulator = await SqsEmulator.StartAsync();
        var answers = await RunAsync("aws/sqs.mjs", "@aws-sdk/client-sqs", null, emulator.Endpoint.ToString().TrimEnd('/'), emulator.Region, emulator.AccessKeyId, emulator.SecretAccessKey);

        AssertJson("""{"sameUrl":true,"listed":1,"endsWithName":true}""", answers["queue"]);
        AssertJson("""{"body":"hello ✓","sameId":true,"waitedForArrival":true,"receiveCount":"1"}""", answers["longPoll"]);
        AssertJson("""{"hiddenWhileReceived":0,"redelivered":"hello ✓","receiveCount":"2","afterDelete":0,"left":"0"}""", answers["visibility"]);
        AssertJson("""{"team":"a","secrets-client:heartbeat":"1700000000"}""", answers["tags"]);
        AssertJson("""{"send":"QueueDoesNotExist","lookup":"QueueDoesNotExist"}""", answers["deleted"]);
        Assert.Equal(4, emulator.Traffic.Count("ReceiveMessage"));
    }

    [Fact]
    public async Task Google_pubsub_clients_create_publish_pull_with_wait_acknowledge_redeliver_and_delete_over_rest()
    {
        await using var emulator = await PubSubEmulator.StartAsync();
        var answers = await RunAsync("gcp/pubsub.mjs", "@google-cloud/pubsub", null, emulator.Endpoint.ToString().TrimEnd('/'), emulator.TestToken, emulator.ProjectId);

        AssertJson("""{"topic":true,"ackDeadlineSeconds":30,"ttl":"86400"}""", answers["subscription"]);
        AssertJson("""{"count":1,"data":"{\"name\":\"x\"}","eventType":"SECRET_VERSION_ADD","sameId":true,"waitedForArrival":true}""", answers["pull"]);
        AssertJson("""{"whileLeased":0,"redelivered":1,"newAckId":true,"afterAck":0}""", answers["ack"]);
        AssertJson("""{"pull":5,"get":5}""", answers["deleted"]);
        Assert.Empty(emulator.SubscriptionNames);
    }

    [Fact]
    public async Task Node_vault_writes_policies_creates_restricted_tokens_writes_metadata_and_patches()
    {
        await using var emulator = await HashiCorpVaultEmulator.StartAsync();
        var answers = await RunAsync("vault/operations.mjs", "node-vault", null, emulator.Address.ToString(), emulator.RootToken);

        AssertJson("""{"listed":true,"rulesKept":true}""", answers["policies"]);
        AssertJson("""{"policies":["app","default"],"renewable":true}""", answers["token"]);
        AssertJson("""{"readAllowed":"p1","readDenied":403,"writeDenied":403,"plusSegment":200,"lookupSelf":200,"escalate":403}""", answers["acl"]);
        AssertJson("""{"maxVersions":2,"owner":"team-a","current":3,"oldest":2,"kept":2}""", answers["metadata"]);
        AssertJson("""{"version":4,"data":{"password":"p4","port":5432}}""", answers["patch"]);
        Assert.True(emulator.Counters.PermissionDenied >= 3);
    }

    [Fact]
    public async Task Azure_sdk_lists_purges_recovers_deleted_secrets_and_restores_a_backup()
    {
        await using var emulator = await AzureKeyVaultEmulator.StartAsync(new AzureKeyVaultEmulatorOptions { MaxPageSize = 25 });
        var pem = Path.Combine(Path.GetTempPath(), $"kv-judge-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(pem, emulator.ExportCertificatePem());
        try
        {
            var answers = await RunAsync("azure/operations.mjs", "@azure/keyvault-secrets", new Dictionary<string, string?> { ["NODE_EXTRA_CA_CERTS"] = pem }, emulator.VaultUri.ToString(), emulator.TestToken);

            AssertJson("""{"names":["ops-a","ops-b","ops-c"],"recoveryIdEndsWithName":true,"hasPurgeDate":true}""", answers["deleted"]);
            AssertJson("""{"value":"b1","purgedGone":404}""", answers["recover"]);
            AssertJson("""{"name":"ops-a","tags":{"env":"dev"},"value":"a2","versions":2,"again":{"status":409,"code":"Conflict"},"corrupt":400}""", answers["restore"]);
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public async Task Google_client_patches_labels_by_update_mask_and_reads_payload_checksum_flags()
    {
        await using var emulator = await GcpSecretManagerEmulator.StartAsync();
        var answers = await RunAsync("gcp/operations.mjs", "@google-cloud/secret-manager", null, emulator.Endpoint.ToString(), emulator.TestToken, emulator.ProjectId);

        AssertJson("""{"labels":{"env":"prod"},"annotations":{},"etagChanged":true,"badMask":3}""", answers["update"]);
        AssertJson("""{"added":true,"read":true,"readWithout":false,"listed":[false,true]}""", answers["checksum"]);
    }

    private static async Task<JsonNode> RunAsync(string script, string module, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        JsonNode.Parse(await NodeJudgeProcess.RunAsync(script, [module], arguments, environment: environment))!;

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");
}
