using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

public sealed class AwsSecretsManagerSecretProviderBatchTests
{
    [Fact]
    public async Task Fetches_many_secrets_twenty_ids_per_call_with_per_secret_errors()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        for (var i = 0; i < 45; i++)
        {
            emulator.CreateSecret($"batch/{i:D2}", $"value-{i}");
        }

        emulator.CreateSecret("batch/deleted", "gone");
        emulator.DeleteSecret("batch/deleted");
        var pinnedVersion = emulator.GetVersionId("batch/07")!;
        emulator.PutSecretValue("batch/07", "value-7-new");
        await using var provider = CreateProvider(emulator);
        var references = Enumerable.Range(0, 45).Select(i => Ref($"batch/{i:D2}")).ToList();
        references.Add(Ref("batch/missing"));
        references.Add(Ref("batch/deleted"));
        references.Add(Ref("batch/07", version: pinnedVersion));
        references.Add(Ref("batch/03"));

        var results = await provider.GetSecretsAsync(references);
        try
        {
            Assert.Equal(references.Count, results.Count);
            for (var i = 0; i < 45; i++)
            {
                Assert.Same(references[i], results[i].Reference);
                Assert.Equal(i == 7 ? "value-7-new" : $"value-{i}", Text(results[i].Secret!));
            }

            Assert.IsType<SecretNotFoundException>(results[45].Error);
            Assert.Equal("ResourceNotFoundException", results[45].Error!.ErrorCode);
            Assert.IsType<SecretNotFoundException>(results[46].Error);
            Assert.Equal("InvalidRequestException", results[46].Error!.ErrorCode);
            Assert.Equal("value-7", Text(results[47].Secret!));
            Assert.Equal("value-3", Text(results[48].Secret!));
            Assert.NotSame(results[3].Secret, results[48].Secret);

            // 47 distinct ids need three batch calls; only the pinned version goes alone.
            Assert.Equal(3, emulator.GetRequestCount("BatchGetSecretValue"));
            Assert.Equal(1, emulator.GetRequestCount("GetSecretValue"));
        }
        finally
        {
            foreach (var result in results)
            {
                result.Secret?.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_transient_batch_failure_fails_each_reference_of_that_call()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("a", "1");
        emulator.CreateSecret("b", "2");
        emulator.Faults.ThrottleNext(1);
        await using var provider = CreateProvider(emulator);

        var results = await provider.GetSecretsAsync([Ref("a"), Ref("b")]);

        Assert.All(results, r => Assert.IsType<SecretUnavailableException>(r.Error));
    }

    [Fact]
    public async Task Empty_input_sends_nothing()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        await using var provider = CreateProvider(emulator);

        var results = await provider.GetSecretsAsync([]);

        Assert.Empty(results);
        Assert.Equal(0, emulator.RequestCount);
    }
}
