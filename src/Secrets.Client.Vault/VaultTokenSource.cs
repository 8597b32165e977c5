using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Secrets.Client.Transport;

namespace Secrets.Client.Vault;

/// <summary>
/// Holds the provider's Vault token: logs in on first use, renews it with <c>auth/token/renew-self</c> once
/// <see cref="HashiCorpVaultSecretProviderOptions.RenewAfterLeaseFraction"/> of its lease has passed, and logs in again
/// when renewal is refused, the token nears its maximum TTL, or a request is refused with it. One login at a time.
/// </summary>
internal sealed class VaultTokenSource : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly SecretHttpTransport _transport;
    private readonly Uri _address;
    private readonly string? _namespace;
    private readonly TimeProvider _time;
    private readonly HashiCorpVaultSecretProviderOptions _options;
    private readonly string _provider;
    private readonly string _authMount;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private VaultToken? _current;

    public VaultTokenSource(SecretHttpTransport transport, Uri address, string? vaultNamespace, HashiCorpVaultSecretProviderOptions options, string provider, ILogger logger)
    {
        _transport = transport;
        _address = address;
        _namespace = vaultNamespace;
        _time = transport.TimeProvider;
        _options = options;
        _provider = provider;
        _logger = logger;
        _authMount = (options.AuthMount ?? (options.AuthMethod == VaultAuthMethod.AppRole ? "approle" : "kubernetes")).Trim('/');
    }

    public string AuthMount => _authMount;

    public async ValueTask<VaultToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (_options.AuthMethod == VaultAuthMethod.Token)
        {
            // Re-read before each request so that a rolled token takes effect at once.
            var fresh = ReadTokenVariable();
            if (current is null || !string.Equals(current.Value, fresh.Value, StringComparison.Ordinal))
            {
                Volatile.Write(ref _current, fresh);
                return fresh;
            }

            return current;
        }

        if (current is not null && !NeedsRefresh(current))
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            if (current is not null && !NeedsRefresh(current))
            {
                return current;
            }

            if (current is { Renewable: true } && _time.GetUtcNow() < current.ExpiresAt)
            {
                var renewed = await TryRenewAsync(current, cancellationToken).ConfigureAwait(false);
                if (renewed is not null)
                {
                    Volatile.Write(ref _current, renewed);
                    return renewed;
                }
            }

            var fresh = await LoginAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _current, fresh);
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets a token Vault refused. Returns whether asking again may give a different token.</summary>
    public bool Invalidate(VaultToken token)
    {
        Interlocked.CompareExchange(ref _current, null, token);
        return _options.AuthMethod != VaultAuthMethod.Token
            || !string.Equals(System.Environment.GetEnvironmentVariable(_options.TokenEnvironmentVariable)?.Trim(), token.Value, StringComparison.Ordinal);
    }

    public void Dispose() => _gate.Dispose();

    private bool NeedsRefresh(VaultToken token) =>
        token.Lease > TimeSpan.Zero && _time.GetUtcNow() >= token.IssuedAt + (token.Lease * _options.RenewAfterLeaseFraction);

    private async ValueTask<VaultToken?> TryRenewAsync(VaultToken current, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, "v1/auth/token/renew-self"));
        request.Headers.TryAddWithoutValidation("X-Vault-Token", current.Value);
        request.Content = new ByteArrayContent("{}"u8.ToArray()) { Headers = { ContentType = Json } };
        AddNamespace(request);
        var started = _time.GetTimestamp();
        try
        {
            using var response = await _transport.SendAsync(request, "renew", secretName: null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                _transport.Metrics.Record("renew", "refused", _time.GetElapsedTime(started));
                VaultLog.RenewRefused(_logger, (int)response.Status);
                return null;
            }

            var renewed = ReadAuth(response.Body, current.LoginLease);
            _transport.Record("renew", started, error: null);
            VaultLog.Renewed(_logger, (long)renewed.Lease.TotalSeconds);

            // A renewal capped by the token's maximum TTL would shrink each time: log in afresh instead.
            return renewed.Lease < current.LoginLease * (1 - _options.RenewAfterLeaseFraction) ? null : renewed;
        }
        catch (Exception ex) when (ex is SecretUnavailableException or JsonException)
        {
            _transport.Record("renew", started, ex);
            // The current token is still valid: keep using it and try again on a later request.
            VaultLog.RenewRefused(_logger, 0);
            return current;
        }
    }

    private async ValueTask<VaultToken> LoginAsync(CancellationToken cancellationToken)
    {
        var method = _options.AuthMethod;
        ArrayBufferWriter<byte>? body = null;
        try
        {
            body = await WriteLoginBodyAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, $"v1/auth/{VaultLocation.Escape(_authMount)}/login"));
            request.Content = new ReadOnlyMemoryContent(body.WrittenMemory) { Headers = { ContentType = Json } };
            AddNamespace(request);
            SecretHttpResponse response;
            var started = _time.GetTimestamp();
            try
            {
                response = await _transport.SendAsync(request, "login", secretName: null, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretUnavailableException ex)
            {
                _transport.Record("login", started, ex);
                VaultLog.LoginFailed(_logger, method.ToString(), _authMount, 0, "NetworkError");
                throw new SecretUnavailableException(_provider, secretName: null, $"Logging in to Vault at auth/{_authMount} failed: Vault could not be reached.", ex) { ErrorCode = "LoginUnavailable" };
            }

            using (response)
            {
                if (response.IsSuccess)
                {
                    var token = ReadAuth(response.Body, loginLease: null);
                    _transport.Record("login", started, error: null);
                    VaultLog.LoggedIn(_logger, method.ToString(), _authMount, (long)token.Lease.TotalSeconds, token.Renewable);
                    return token;
                }

                var errors = VaultJson.ReadErrors(response.Body);
                var detail = $"Logging in to Vault with {method} at auth/{_authMount} was refused: {(int)response.Status}{(errors is null ? string.Empty : " " + errors)}.";
                SecretStoreException error = (int)response.Status is 429 or 408 or >= 500
                    ? new SecretUnavailableException(_provider, secretName: null, detail) { ErrorCode = errors?.Contains("sealed", StringComparison.OrdinalIgnoreCase) == true ? "Sealed" : "LoginUnavailable", IsThrottled = (int)response.Status == 429, RetryAfter = response.RetryAfter }
                    : new SecretAccessDeniedException(_provider, secretName: null, detail) { ErrorCode = "LoginFailed" };
                _transport.Record("login", started, error);
                VaultLog.LoginFailed(_logger, method.ToString(), _authMount, (int)response.Status, error.ErrorCode);
                throw error;
            }
        }
        finally
        {
            // The body held a JWT or secret id.
            body?.Clear();
        }
    }

    private VaultToken ReadTokenVariable()
    {
        var token = System.Environment.GetEnvironmentVariable(_options.TokenEnvironmentVariable);
        return string.IsNullOrWhiteSpace(token)
            ? throw new SecretAccessDeniedException(_provider, secretName: null, $"Token auth is configured but the environment variable {_options.TokenEnvironmentVariable} is empty.") { ErrorCode = "CredentialUnavailable" }
            : new VaultToken(token.Trim(), _time.GetUtcNow(), TimeSpan.Zero, TimeSpan.Zero, Renewable: false);
    }

    private async ValueTask<ArrayBufferWriter<byte>> WriteLoginBodyAsync(CancellationToken cancellationToken)
    {
        byte[]? credential = null;
        try
        {
            string roleProperty, credentialProperty;
            string role;
            if (_options.AuthMethod == VaultAuthMethod.Kubernetes)
            {
                (roleProperty, credentialProperty, role) = ("role", "jwt", _options.Role!);
                credential = await ReadFileAsync(_options.ServiceAccountTokenPath, "service account token", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (roleProperty, credentialProperty, role) = ("role_id", "secret_id", _options.AppRoleRoleId!);
                if (_options.AppRoleSecretIdPath is { } path)
                {
                    credential = await ReadFileAsync(path, "AppRole secret id", cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var variable = _options.AppRoleSecretIdEnvironmentVariable!;
                    var text = System.Environment.GetEnvironmentVariable(variable);
                    credential = string.IsNullOrWhiteSpace(text)
                        ? throw new SecretAccessDeniedException(_provider, secretName: null, $"The AppRole secret id environment variable {variable} is empty.") { ErrorCode = "CredentialUnavailable" }
                        : Encoding.UTF8.GetBytes(text.Trim());
                }
            }

            // Sized for the worst case (every byte escaped) so that the buffer never grows and leaves a copy behind.
            var body = new ArrayBufferWriter<byte>(((credential.Length + role.Length) * 6) + 64);
            using var writer = new Utf8JsonWriter(body);
            writer.WriteStartObject();
            writer.WriteString(roleProperty, role);
            writer.WriteString(credentialProperty, Trim(credential));
            writer.WriteEndObject();
            writer.Flush();
            return body;
        }
        finally
        {
            if (credential is not null)
            {
                CryptographicOperations.ZeroMemory(credential);
            }
        }
    }

    private async ValueTask<byte[]> ReadFileAsync(string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (Trim(bytes).IsEmpty)
            {
                throw new SecretAccessDeniedException(_provider, secretName: null, $"The {what} file '{path}' is empty.") { ErrorCode = "CredentialUnavailable" };
            }

            return bytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretAccessDeniedException(_provider, secretName: null, $"The {what} file '{path}' cannot be read ({ex.GetType().Name}).", ex) { ErrorCode = "CredentialUnavailable" };
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> bytes) => bytes.Trim(" \t\r\n"u8);

    private VaultToken ReadAuth(ReadOnlySpan<byte> body, TimeSpan? loginLease)
    {
        var reader = new Utf8JsonReader(body);
        string? token = null;
        long lease = 0;
        var renewable = false;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isAuth = reader.ValueTextEquals("auth"u8);
            reader.Read();
            if (!isAuth || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("client_token"u8))
                {
                    reader.Read();
                    token = reader.GetString();
                }
                else if (reader.ValueTextEquals("lease_duration"u8))
                {
                    reader.Read();
                    lease = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("renewable"u8))
                {
                    reader.Read();
                    renewable = reader.TokenType == JsonTokenType.True;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        if (string.IsNullOrEmpty(token))
        {
            throw new JsonException("Vault's login answer has no auth.client_token.");
        }

        var duration = TimeSpan.FromSeconds(lease);
        return new VaultToken(token, _time.GetUtcNow(), duration, loginLease ?? duration, renewable);
    }

    private void AddNamespace(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_namespace))
        {
            request.Headers.TryAddWithoutValidation("X-Vault-Namespace", _namespace);
        }
    }
}
