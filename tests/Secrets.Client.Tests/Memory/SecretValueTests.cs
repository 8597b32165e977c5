using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Tests.Memory;

public class SecretValueTests
{
    [Fact]
    public void Text_round_trips_through_every_reader()
    {
        using var value = SecretValue.FromText(Canary.Value);

        Assert.Equal(Encoding.UTF8.GetByteCount(Canary.Value), value.Length);
        using (var lease = value.Lease())
        {
            Assert.True(lease.Span.SequenceEqual(Encoding.UTF8.GetBytes(Canary.Value)));
        }

        Assert.Equal(Canary.Value, value.Use(0, static (bytes, _) => Encoding.UTF8.GetString(bytes)));
        var seen = string.Empty;
        value.UseText(0, (chars, _) => seen = new string(chars));
        Assert.Equal(Canary.Value, seen);
        Assert.Equal(Canary.Value, value.ExposeAsString());
        Assert.Equal(Encoding.UTF8.GetBytes(Canary.Value), value.ExposeAsBytes());
    }

    [Fact]
    public void Create_writes_straight_into_secret_memory_and_keeps_the_reported_length()
    {
        using var value = SecretValue.Create(16, "abc", static (destination, state) => Encoding.ASCII.GetBytes(state, destination));

        Assert.Equal(3, value.Length);
        Assert.Equal("abc", value.ExposeAsString());
    }

    [Fact]
    public void Create_rejects_a_writer_that_claims_more_than_it_may_write()
    {
        Assert.Throws<InvalidOperationException>(() => SecretValue.Create(4, 0, static (_, _) => 5));
    }

    [Fact]
    public void Memory_is_pinned_native_memory_excluded_from_core_dumps_on_linux()
    {
        using var value = SecretValue.FromText("x");

        Assert.True(value.Protection.HasFlag(SecretMemoryProtection.Pinned));
        if (OperatingSystem.IsLinux())
        {
            Assert.True(value.Protection.HasFlag(SecretMemoryProtection.ExcludedFromCoreDumps));
        }
    }

    [Fact]
    public void Dispose_wipes_the_memory_to_zeros_exactly_once()
    {
        var value = SecretValue.FromText(Canary.Value);
        var wipes = 0;
        var allZero = false;
        value.WipeProbe = memory =>
        {
            wipes++;
            allZero = !memory.ContainsAnyExcept((byte)0);
        };

        value.Dispose();
        value.Dispose();

        Assert.Equal(1, wipes);
        Assert.True(allZero);
        Assert.True(value.IsWiped);
        Assert.Throws<ObjectDisposedException>(() => value.Lease());
    }

    [Fact]
    public void A_lease_outliving_dispose_reads_correct_bytes_and_the_wipe_waits_for_it()
    {
        var value = SecretValue.FromText(Canary.Value);
        var wiped = false;
        value.WipeProbe = _ => wiped = true;

        var lease = value.Lease();
        value.Dispose();

        Assert.False(wiped);
        Assert.False(value.IsWiped);
        Assert.Equal(Canary.Value, Encoding.UTF8.GetString(lease.Span));

        lease.Dispose();
        Assert.True(wiped);
        Assert.True(value.IsWiped);
    }

    [Fact]
    public void Reading_a_disposed_lease_throws()
    {
        using var value = SecretValue.FromText("x");
        var lease = value.Lease();
        lease.Dispose();

        var thrown = false;
        try
        {
            _ = lease.Span.Length;
        }
        catch (ObjectDisposedException)
        {
            thrown = true;
        }

        Assert.True(thrown);
    }

    [Fact]
    public void Every_textual_surface_is_redacted()
    {
        using var value = SecretValue.FromText(Canary.Value);
        using var secret = new Secret(SecretsModelFactory.SecretProperties("memory", "db", "3"), SecretValue.FromText(Canary.Value));

        Assert.Equal("[REDACTED]", value.ToString());
        Assert.Equal("[REDACTED]", $"{value}");
        Assert.Equal("\"[REDACTED]\"", JsonSerializer.Serialize(value));
        Assert.Equal("\"[REDACTED]\"", JsonSerializer.Serialize(secret));
        Assert.Equal("\"[REDACTED]\"", JsonSerializer.Serialize(new { secret }.secret));
        Assert.Contains("[REDACTED]", JsonSerializer.Serialize(new { Password = value }), StringComparison.Ordinal);
        Assert.Equal("memory:db@3 = [REDACTED]", secret.ToString());
        using (var lease = value.Lease())
        {
            Assert.Equal("[REDACTED]", lease.ToString());
        }

        Assert.Equal("[REDACTED]", typeof(SecretValue).GetCustomAttribute<DebuggerDisplayAttribute>()!.Value);
        var proxyType = Type.GetType(typeof(SecretValue).GetCustomAttribute<DebuggerTypeProxyAttribute>()!.ProxyTypeName)!;
        var proxy = Activator.CreateInstance(proxyType, value)!;
        foreach (var property in proxyType.GetProperties())
        {
            Canary.AssertAbsent(property.GetValue(proxy)?.ToString());
        }

        Canary.AssertAbsent(secret.ToString());
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SecretValue>("\"x\""));
    }

    [Fact]
    public void Json_fields_are_extracted_unescaped_without_the_rest()
    {
        using var value = SecretValue.FromText("{\"user\":\"app\",\"password\":\"p\\u00e4ss\\\"word\",\"port\":5432,\"tls\":{\"mode\":\"require\"}}");

        using var password = value.GetJsonField("password");
        using var port = value.GetJsonField("port");
        using var tls = value.GetJsonField("tls");

        Assert.Equal("päss\"word", password.ExposeAsString());
        Assert.Equal("5432", port.ExposeAsString());
        Assert.Equal("{\"mode\":\"require\"}", tls.ExposeAsString());
    }

    [Fact]
    public void Json_errors_name_the_field_but_never_the_value()
    {
        using var json = SecretValue.FromText(Canary.Json);
        using var notJson = SecretValue.FromText(Canary.Value);

        var missing = Assert.Throws<SecretFormatException>(() => json.GetJsonField("missing"));
        var invalid = Assert.Throws<SecretFormatException>(() => notJson.GetJsonField("password"));

        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
        Canary.AssertAbsent(missing);
        Canary.AssertAbsent(invalid);
    }

    [Fact]
    public void Invalid_utf8_is_refused_as_text_without_echoing_bytes()
    {
        using var value = SecretValue.FromBytes([0xC3, 0x28]);

        Assert.Throws<SecretFormatException>(() => value.UseText(0, static (_, _) => { }));
    }

    [Fact]
    public void ContentEquals_compares_bytes()
    {
        using var a = SecretValue.FromText("same");
        using var b = SecretValue.FromText("same");
        using var c = SecretValue.FromText("diff");

        Assert.True(a.ContentEquals(b));
        Assert.False(a.ContentEquals(c));
    }

    [Fact]
    public async Task Concurrent_leases_and_dispose_never_wipe_under_a_reader()
    {
        var value = SecretValue.FromText(Canary.Value);
        var expected = Encoding.UTF8.GetBytes(Canary.Value);
        var failures = 0;
        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                try
                {
                    using var lease = value.Lease();
                    if (!lease.Span.SequenceEqual(expected))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        })).ToArray();

        value.Dispose();
        await Task.WhenAll(readers);

        Assert.Equal(0, failures);
        Assert.True(value.IsWiped);
    }
}
