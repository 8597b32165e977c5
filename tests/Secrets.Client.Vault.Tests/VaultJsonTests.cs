using System.Text;

namespace Secrets.Client.Vault.Tests;

/// <summary>The <see cref="VaultJson"/> reader finds <c>data.data</c>'s exact bytes and reads nothing but the errors array from error bodies.</summary>
public sealed class VaultJsonTests
{
    [Fact]
    public void Finds_the_exact_bytes_of_data_data_whatever_surrounds_it()
    {
        const string inner = """{ "data": {"nested": "x\"}"}, "password" : "p\u00e9{}", "list": [1, {"a": null}] }""";
        var body = Encoding.UTF8.GetBytes($$"""
            {"request_id":"r","data":{"metadata":{"created_time":"2024-01-02T03:04:05.123456789Z","custom_metadata":{"owner":"a","n":1},"deletion_time":"","destroyed":false,"version":7},
             "data":{{inner}}},"wrap_info":null,"auth":null}
            """);

        var (range, metadata) = VaultJson.ReadKvData(body);

        Assert.NotNull(range);
        Assert.Equal(inner, Encoding.UTF8.GetString(body.AsSpan()[range.Value]));
        Assert.Equal(7, metadata!.Version);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 123, TimeSpan.Zero).AddTicks(4568), metadata.CreatedOn); // nanoseconds round to the nearest tick
        Assert.Null(metadata.DeletedOn);
        Assert.False(metadata.Destroyed);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "a" }, metadata.CustomMetadata);
    }

    [Fact]
    public void A_deleted_version_has_null_data_and_a_deletion_time()
    {
        var body = """{"data":{"data":null,"metadata":{"created_time":"2024-01-02T03:04:05Z","deletion_time":"2024-02-02T00:00:00Z","destroyed":false,"version":2}}}"""u8;

        var (range, metadata) = VaultJson.ReadKvData(body);

        Assert.Null(range);
        Assert.Equal(new DateTimeOffset(2024, 2, 2, 0, 0, 0, TimeSpan.Zero), metadata!.DeletedOn);
    }

    [Fact]
    public void Errors_keeps_at_most_three_messages_of_200_characters_and_nothing_else()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"other":"CANARY-elsewhere","errors":["one","{{new string('x', 300)}}",7,"three","four"]}""");

        var errors = VaultJson.ReadErrors(body);

        Assert.Equal("one; " + new string('x', 200) + "...; three", errors);
        Assert.Null(VaultJson.ReadErrors("<html>Bad gateway</html>"u8));
        Assert.Null(VaultJson.ReadErrors("""{"errors":[]}"""u8));
    }

    [Fact]
    public void Write_result_reads_the_new_version()
    {
        var written = VaultJson.ReadWriteResult("""{"request_id":"r","data":{"created_time":"2024-01-02T03:04:05Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":3}}"""u8);

        Assert.Equal(3, written!.Version);
        Assert.Null(written.CustomMetadata);
    }
}
