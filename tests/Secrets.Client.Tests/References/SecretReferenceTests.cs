namespace Secrets.Client.Tests.References;

public class SecretReferenceTests
{
    [Theory]
    [InlineData("aws-sm://prod/db#password", "aws-sm", "prod/db", null, null, "password")]
    [InlineData("azure-kv://vault/name", "azure-kv", "vault/name", null, null, null)]
    [InlineData("gcp-sm://project/secret?version=5", "gcp-sm", "project/secret", "5", null, null)]
    [InlineData("vault://kv/app#key", "vault", "kv/app", null, null, "key")]
    [InlineData("env://NAME", "env", "NAME", null, null, null)]
    [InlineData("dotenv://NAME", "dotenv", "NAME", null, null, null)]
    [InlineData("AWS-SM://prod/db?stage=AWSPREVIOUS", "aws-sm", "prod/db", null, "AWSPREVIOUS", null)]
    [InlineData("aws-sm://arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf", "aws-sm", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf", null, null, null)]
    [InlineData("plain-name", null, "plain-name", null, null, null)]
    [InlineData("aws-sm://with%20space/x%23y#f%26g", "aws-sm", "with space/x#y", null, null, "f&g")]
    public void Parses_every_backend_form(string text, string? provider, string path, string? version, string? stage, string? field)
    {
        var reference = SecretReference.Parse(text);

        Assert.Equal(provider, reference.Provider);
        Assert.Equal(path, reference.Path);
        Assert.Equal(version, reference.Version);
        Assert.Equal(stage, reference.Stage);
        Assert.Equal(field, reference.Field);
        Assert.Equal(reference, SecretReference.Parse(reference.ToString()));
    }

    [Fact]
    public void Environment_limits_parse_and_round_trip()
    {
        var reference = SecretReference.Parse("aws-sm://prod/db?env=Production,Staging#password");

        Assert.Equal(["Production", "Staging"], reference.Environments);
        Assert.Equal("aws-sm://prod/db?env=Production,Staging#password", reference.ToString());
    }

    [Theory]
    [InlineData("op://dev/Stripe/publishable-key", "dev/Stripe/publishable-key", null)]
    [InlineData("op://Management/PagerDuty/Admin/email", "Management/PagerDuty/Admin/email", null)]
    [InlineData("op://dev/GitHub/one-time password?attribute=otp", "dev/GitHub/one-time password", "otp")]
    public void Accepts_1Password_secret_references_as_1Password_writes_them(string text, string path, string? attribute)
    {
        var reference = SecretReference.Parse(text);

        Assert.Equal("op", reference.Provider);
        Assert.Equal(path, reference.Path);
        Assert.Equal(attribute, reference.Attribute);
        Assert.Equal(text, reference.ToString());
        Assert.Equal(reference, SecretReference.Parse(reference.ToString()));
        Assert.NotEqual(reference, SecretReference.Parse(text.Split('?')[0] + "?attribute=type"));
    }

    [Theory]
    [InlineData("1bad://x", "not a valid provider name")]
    [InlineData("aws-sm://", "path is empty")]
    [InlineData("aws-sm://x?version=1&stage=AWSCURRENT", "not both")]
    [InlineData("aws-sm://x?colour=red", "unknown option 'colour'")]
    [InlineData("aws-sm://x#", "empty")]
    [InlineData("aws-sm://x\u0001y", "control characters")]
    public void Invalid_references_say_what_is_wrong(string text, string reason)
    {
        var error = Assert.Throws<InvalidSecretReferenceException>(() => SecretReference.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(SecretReference.TryParse(text, out _));
    }

    [Fact]
    public void WithoutField_and_WithProvider_keep_the_rest()
    {
        var reference = SecretReference.Parse("prod/db?stage=AWSPREVIOUS#password");

        var routed = reference.WithProvider("aws-sm").WithoutField();

        Assert.Equal("aws-sm://prod/db?stage=AWSPREVIOUS", routed.ToString());
        Assert.Same(routed, routed.WithoutField());
    }

    [Theory]
    [InlineData("aws-sm://x", true, "aws-sm")]
    [InlineData("https://example.com", true, "https")]
    [InlineData("Server=db;Password=x", false, null)]
    [InlineData(null, false, null)]
    public void TryGetProvider_reads_only_the_scheme(string? text, bool expected, string? provider)
    {
        Assert.Equal(expected, SecretReference.TryGetProvider(text, out var found));
        Assert.Equal(provider, found);
    }

    [Fact]
    public void References_to_one_provider_share_its_name_string()
    {
        // Every cached secret's key is a reference: one copy of "aws-sm" for all of them, whatever the spelling.
        var parsed = SecretReference.Parse("aws-sm://prod/db");
        var upper = SecretReference.Parse("AWS-SM://prod/other#field");
        var built = new SecretReference(new string("aws-sm".AsSpan()), "prod/third");
        SecretReference.TryGetProvider("Aws-Sm://x", out var scheme);

        Assert.Equal("aws-sm", parsed.Provider);
        Assert.Same(parsed.Provider, upper.Provider);
        Assert.Same(parsed.Provider, built.Provider);
        Assert.Same(parsed.Provider, scheme);
    }

    [Fact]
    public void Many_distinct_provider_names_all_parse_and_round_trip()
    {
        // Past the shared table's bound names are no longer shared, but every one still parses to its own lower case.
        for (var i = 0; i < 600; i++)
        {
            var text = $"Many-Names-{i}://path/{i}";
            var reference = SecretReference.Parse(text);

            Assert.Equal($"many-names-{i}", reference.Provider);
            Assert.Equal($"many-names-{i}://path/{i}", reference.ToString());
            Assert.Equal(reference, SecretReference.Parse(reference.ToString()));
        }
    }
}
