using System.Security.Cryptography;
using System.Text;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.OnePassword.Tests;

/// <summary>
/// A canary that exists in this process only as bytes (never a string) is read through op and Connect; afterwards no
/// string on the managed heap contains it.
/// </summary>
public sealed class CanaryHeapTests
{
    [Fact]
    public async Task No_value_read_through_op_or_Connect_is_left_as_a_managed_string()
    {
        var canary = Encoding.ASCII.GetBytes("CANARY" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));
        var canaryChars = Encoding.ASCII.GetChars(canary);

        using (var op = new OpStandIn())
        {
            op.SetItem("dev", "db", 1, [(null, "password", canary)], [("key.pem", canary)]);
            await using var provider = new OnePasswordSecretProvider(op.Options());
            using var field = await provider.GetSecretAsync(SecretReference.Parse("op://dev/db/password"));
            using var file = await provider.GetSecretAsync(SecretReference.Parse("op://dev/db/key.pem"));
            Assert.True(field.Value.Use(canary, static (bytes, expected) => bytes.SequenceEqual(expected)));
            Assert.True(file.Value.Use(canary, static (bytes, expected) => bytes.SequenceEqual(expected)));
        }

        await ReadThroughConnectAsync(canary, canaryChars);

        Assert.Equal(0, ManagedHeap.CountStringsContaining(canaryChars));
    }

    private static async Task ReadThroughConnectAsync(byte[] canary, char[] canaryChars)
    {
        await using (var connect = await OnePasswordConnectEmulator.StartAsync())
        {
            // The emulator (the server, not the client) keeps the value as a string; it is unreachable, and collected,
            // once the emulator is gone, so whatever string remains was made on the client's side.
            connect.SetItem("dev", "db", [new("password", new string(canaryChars))]);
            await using var provider = new OnePasswordSecretProvider(new OnePasswordSecretProviderOptions
            {
                Transport = OnePasswordTransport.Connect,
                Endpoint = connect.Address,
                ConnectToken = connect.Token,
            });
            using var secret = await provider.GetSecretAsync(SecretReference.Parse("op://dev/db/password"));
            Assert.True(secret.Value.Use(canary, static (bytes, expected) => bytes.SequenceEqual(expected)));
            connect.DeleteItem("dev", "db");
        }
    }
}
