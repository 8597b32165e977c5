using System.Text;
using System.Text.Json;

namespace Secrets.Client.Vault.Tests;

/// <summary>
/// Vault answers that are JSON but not Vault's shape (a value of the wrong type, a number out of range, a string that
/// decodes to a lone surrogate) raise only <see cref="JsonException"/>, which the adapter maps to its malformed-response
/// error, as bad syntax does (issue #11); the error-body reader never throws.
/// </summary>
public sealed class VaultJsonMalformedTests
{
    [Theory]
    [InlineData("""{"data":{"metadata":{"version":99999999999}}}""")]
    [InlineData("""{"data":{"metadata":{"created_time":"\ud800"}}}""")]
    [InlineData("""{"data":{"metadata":{"custom_metadata":{"k":"\udc00"}}}}""")]
    [InlineData("""{"data":{"metadata":{"custom_metadata":{"\ud800":"v"}}}}""")]
    public void A_malformed_read_answer_raises_only_a_json_exception(string body)
    {
        var error = Assert.Throws<JsonException>(() => VaultJson.ReadKvData(Encoding.UTF8.GetBytes(body)));

        Assert.Null(error.InnerException);
    }

    [Theory]
    [InlineData("""{"data":{"version":99999999999}}""")]
    [InlineData("""{"data":{"created_time":"\ud800"}}""")]
    [InlineData("""{"data":{"custom_metadata":{"k":"\udc00"}}}""")]
    public void A_malformed_write_answer_raises_only_a_json_exception(string body)
    {
        var error = Assert.Throws<JsonException>(() => VaultJson.ReadWriteResult(Encoding.UTF8.GetBytes(body)));

        Assert.Null(error.InnerException);
    }

    [Fact]
    public void An_error_body_with_a_lone_surrogate_is_read_without_throwing()
    {
        Assert.Null(VaultJson.ReadErrors("""{"errors":["\ud800"]}"""u8));
    }
}
