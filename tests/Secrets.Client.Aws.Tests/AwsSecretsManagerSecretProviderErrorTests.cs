using System.Net;
using Amazon.Runtime;
using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

public sealed class AwsSecretsManagerSecretProviderErrorTests
{
    [Fact]
    public async Task Throttling_is_transient_and_carries_retry_after()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("x", "y");
        emulator.Faults.RetryAfter = TimeSpan.FromSeconds(3);
        emulator.Faults.ThrottleNext(1);
        await using var provider = CreateProvider(emulator);

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(Ref("x")).AsTask());
        using var after = await provider.GetSecretAsync(Ref("x"));

        Assert.True(error.IsThrottled);
        Assert.True(error.IsTransient);
        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Equal("y", Text(after));
    }

    [Fact]
    public async Task Server_errors_and_dropped_connections_are_transient()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("x", "y");
        await using var provider = CreateProvider(emulator);

        emulator.Faults.FailNext(1);
        var serverError = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(Ref("x")).AsTask());
        emulator.Faults.DropNext(1);
        var dropped = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetPropertiesAsync(Ref("x")).AsTask());

        Assert.Equal("InternalServiceError", serverError.ErrorCode);
        Assert.False(serverError.IsThrottled);
        Assert.NotNull(dropped.InnerException);
        Assert.Equal("x", dropped.SecretName);
    }

    [Fact]
    public async Task Wrong_secret_key_is_access_denied_with_invalid_signature()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("x", "y");
        await using var provider = CreateProvider(emulator, o => o.Credentials = new BasicAWSCredentials(emulator.AccessKeyId, "wrong-secret-key"));

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(Ref("x")).AsTask());

        Assert.Equal("InvalidSignatureException", error.ErrorCode);
        Assert.DoesNotContain("Canonical", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_access_key_is_access_denied()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        await using var provider = CreateProvider(emulator, o => o.Credentials = new BasicAWSCredentials("AKIAUNKNOWN000000000", "whatever"));

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(Ref("x")).AsTask());

        Assert.Equal("UnrecognizedClientException", error.ErrorCode);
    }

    [Fact]
    public async Task Signing_for_another_region_is_refused()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        await using var provider = CreateProvider(emulator, o => o.Region = "eu-west-1");

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(Ref("x")).AsTask());

        Assert.Equal("InvalidSignatureException", error.ErrorCode);
        Assert.Contains("region", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Session_credentials_send_the_security_token()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { SessionToken = "session-token-123" });
        emulator.CreateSecret("x", "y");
        await using var withToken = CreateProvider(emulator, o => o.Credentials = new SessionAWSCredentials(emulator.AccessKeyId, emulator.SecretAccessKey, "session-token-123"));
        await using var withoutToken = CreateProvider(emulator);

        using var secret = await withToken.GetSecretAsync(Ref("x"));
        await Assert.ThrowsAsync<SecretAccessDeniedException>(() => withoutToken.GetSecretAsync(Ref("x")).AsTask());

        Assert.Equal("y", Text(secret));
    }

    [Fact]
    public async Task Cancellation_is_not_turned_into_an_error()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("x", "y");
        await using var provider = CreateProvider(emulator);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetSecretAsync(Ref("x"), cancelled.Token).AsTask());
    }

    [Theory]
    [InlineData("ResourceNotFoundException", null, typeof(SecretNotFoundException))]
    [InlineData("AccessDeniedException", null, typeof(SecretAccessDeniedException))]
    [InlineData("DecryptionFailure", null, typeof(SecretAccessDeniedException))]
    [InlineData("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.", typeof(SecretNotFoundException))]
    [InlineData("InvalidRequestException", "Rotation is not configured.", typeof(SecretStoreException))]
    [InlineData("InvalidParameterException", "bad", typeof(SecretStoreException))]
    [InlineData("ThrottlingException", null, typeof(SecretUnavailableException))]
    [InlineData("InternalServiceError", null, typeof(SecretUnavailableException))]
    public void Maps_error_codes_to_typed_errors(string code, string? message, Type expected)
    {
        var error = AwsErrorMapper.Map("aws-sm", "db", code, message, HttpStatusCode.BadRequest, null);

        Assert.Equal(expected, error.GetType());
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal("db", error.SecretName);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, typeof(SecretUnavailableException))]
    [InlineData(HttpStatusCode.TooManyRequests, typeof(SecretUnavailableException))]
    [InlineData(HttpStatusCode.Forbidden, typeof(SecretAccessDeniedException))]
    [InlineData(HttpStatusCode.NotFound, typeof(SecretNotFoundException))]
    public void Maps_bare_status_codes_when_there_is_no_error_code(HttpStatusCode status, Type expected)
    {
        Assert.Equal(expected, AwsErrorMapper.Map("aws-sm", "db", string.Empty, null, status, null).GetType());
    }

    [Theory]
    [InlineData("com.amazonaws.secretsmanager#ResourceNotFoundException", "ResourceNotFoundException")]
    [InlineData("ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.service/", "ResourceNotFoundException")]
    [InlineData("aws.protocoltests.restjson#FooError:http://internal.amazon.com/", "FooError")]
    [InlineData("  ThrottlingException ", "ThrottlingException")]
    [InlineData(null, "")]
    public void Sanitizes_error_codes_as_the_aws_sdks_do(string? raw, string expected)
    {
        Assert.Equal(expected, AwsErrorMapper.Sanitize(raw));
    }
}
