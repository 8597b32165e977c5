using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Memory;

/// <summary>
/// A JSON secret whose strings decode to a lone surrogate or whose bytes are not UTF-8 is a format problem of the
/// secret: <c>#field</c> reads and configuration's flattening say so with <see cref="SecretFormatException"/>, never an
/// <see cref="InvalidOperationException"/> from the JSON reader (issue #11).
/// </summary>
public sealed class JsonFieldMalformedInputTests
{
    /// <summary>Field values that cannot be decoded: the read must fail.</summary>
    public static TheoryData<byte[]> UndecodableField() =>
    [
        "{\"password\":\"\\ud800\"}"u8.ToArray(), // a lone high surrogate
        "{\"password\":\"\\udc00x\"}"u8.ToArray(), // a lone low surrogate
        "{\"password\":\"a\\ud800\\u0041\"}"u8.ToArray(), // high surrogate followed by a non-surrogate escape
    ];

    /// <summary>Every malformed document: flattening decodes every name and value (invalid UTF-8 becomes U+FFFD, as configuration strings do).</summary>
    public static TheoryData<byte[]> MalformedJson()
    {
        TheoryData<byte[]> all =
        [
            "{\"\\ud800\":\"v\",\"password\":\"x\"}"u8.ToArray(), // a lone surrogate in a property name
            [.. "{\"pass"u8, 0xFF, .. "word\":\"x\"}"u8], // invalid UTF-8 in a property name
            [.. "{\"password\":\"\\n"u8, 0xC3, 0x28, .. "\"}"u8], // invalid UTF-8 in a value: the bytes are the secret's, read as they are
            "{\"password\":\"x\",\"n\":"u8.ToArray(), // truncated after the field: a field read stops at its field
        ];
        foreach (var row in UndecodableField())
        {
            all.Add(row);
        }

        return all;
    }

    [Theory]
    [MemberData(nameof(UndecodableField))]
    public async Task A_field_read_of_malformed_json_is_a_format_error(byte[] json)
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.SetBytes("db", json);

        var error = await Assert.ThrowsAsync<SecretFormatException>(() => fixture.Store.GetSecretAsync("memory://db#password").AsTask());

        Assert.Equal("db", error.SecretName);
        for (Exception? cause = error; cause is not null; cause = cause.InnerException)
        {
            Assert.IsAssignableFrom<SecretFormatException>(cause);
        }
    }

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public void Configuration_flattening_of_malformed_json_fails_with_a_format_error_or_keeps_the_text(byte[] json)
    {
        var provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { TimeProvider = new FakeTimeProvider() });
        provider.SetBytes("db", json);

        // Either the document is not a JSON object at all (kept whole as text), or it is refused as a format error.
        try
        {
            var config = new ConfigurationBuilder()
                .AddSecrets(source =>
                {
                    source.Providers.Add(provider);
                    source.Add("memory://db");
                })
                .Build();
            Assert.Null(config["db:password"]);
            Assert.NotNull(config["db"]);
        }
        catch (Exception ex)
        {
            Assert.IsAssignableFrom<SecretFormatException>(Unwrap(ex));
        }
    }

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;
}
