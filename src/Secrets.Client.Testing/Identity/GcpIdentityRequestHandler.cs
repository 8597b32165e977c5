using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the GCE metadata server, the STS token exchange (RFC 8693) and IAM Credentials <c>generateAccessToken</c>
/// the way Google documents them, for <see cref="GcpIdentityEmulator"/>.
/// </summary>
internal sealed class GcpIdentityRequestHandler
{
    private const string MetadataPrefix = "/computeMetadata/v1/";
    private const string ServiceAccountsPrefix = MetadataPrefix + "instance/service-accounts/";
    private const string TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
    private readonly GcpIdentityEmulator _emulator;
    private readonly GcpIdentityEmulatorOptions _options;

    public GcpIdentityRequestHandler(GcpIdentityEmulator emulator)
    {
        _emulator = emulator;
        _options = emulator.Options;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/v1/token" && HttpMethods.IsPost(context.Request.Method))
        {
            await ExchangeAsync(context).ConfigureAwait(false);
        }
        else if (path.StartsWith("/v1/projects/-/serviceAccounts/", StringComparison.Ordinal) && path.EndsWith(":generateAccessToken", StringComparison.Ordinal))
        {
            await GenerateAccessTokenAsync(context, path).ConfigureAwait(false);
        }
        else
        {
            await MetadataAsync(context, path).ConfigureAwait(false);
        }
    }

    private async Task MetadataAsync(HttpContext context, string path)
    {
        // The metadata server answers only requests that say they expect it, and says who it is on every response.
        context.Response.Headers["Metadata-Flavor"] = "Google";
        if (path == "/")
        {
            await WriteTextAsync(context, 200, "computeMetadata/").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(context.Request.Headers["Metadata-Flavor"].ToString(), "Google", StringComparison.Ordinal))
        {
            _emulator.Calls.Failed("metadata " + path, "missing Metadata-Flavor: Google");
            await WriteTextAsync(context, 403, "Missing required header \"Metadata-Flavor\": \"Google\"").ConfigureAwait(false);
            return;
        }

        if (path.StartsWith(ServiceAccountsPrefix, StringComparison.Ordinal))
        {
            var rest = path[ServiceAccountsPrefix.Length..].Split('/');
            var account = rest[0];
            if (account != "default" && account != _options.ServiceAccountEmail)
            {
                _emulator.Calls.Failed("metadata service account", "unknown service account " + account);
                await WriteTextAsync(context, 404, "Not Found").ConfigureAwait(false);
                return;
            }

            switch (rest.Length > 1 ? rest[1] : string.Empty)
            {
                case "email":
                    _emulator.Calls.Succeeded("metadata email", _options.ServiceAccountEmail);
                    await WriteTextAsync(context, 200, _options.ServiceAccountEmail).ConfigureAwait(false);
                    return;
                case "token":
                    await WriteIssuedTokenAsync(context, _options.ServiceAccountEmail, "metadata token").ConfigureAwait(false);
                    return;
                case "scopes":
                    await WriteTextAsync(context, 200, "https://www.googleapis.com/auth/cloud-platform\n").ConfigureAwait(false);
                    return;
            }
        }

        var answer = path[Math.Min(path.Length, MetadataPrefix.Length)..] switch
        {
            "project/project-id" => _options.ProjectId,
            "project/numeric-project-id" => _options.ProjectNumber,
            "universe/universe-domain" => "googleapis.com",
            "instance/id" => "4520031799277581759",
            _ => null,
        };
        if (answer is null)
        {
            _emulator.Calls.Failed("metadata " + path, "not found");
        }

        await WriteTextAsync(context, answer is null ? 404 : 200, answer ?? "Not Found").ConfigureAwait(false);
    }

    private async Task WriteIssuedTokenAsync(HttpContext context, string principal, string operation)
    {
        if (_emulator.Ledger.IsPrincipalRevoked(principal))
        {
            _emulator.Calls.Failed(operation, "the service account was revoked", principal);
            await WriteTextAsync(context, 403, "The service account was revoked.").ConfigureAwait(false);
            return;
        }

        var issued = _emulator.IssueAccessToken(principal);
        _emulator.Calls.Succeeded(operation, principal);
        await WriteJsonAsync(context, 200, new Dictionary<string, object>
        {
            ["access_token"] = issued.Key,
            ["expires_in"] = (long)(issued.ExpiresAt - issued.IssuedAt).TotalSeconds,
            ["token_type"] = "Bearer",
        }).ConfigureAwait(false);
    }

    private async Task ExchangeAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        if (Field("grant_type") != TokenExchange)
        {
            await StsErrorAsync(context, "unsupported_grant_type", $"Unsupported grant type '{Field("grant_type")}'.").ConfigureAwait(false);
            return;
        }

        if (Field("audience") != _emulator.WorkloadIdentityAudience)
        {
            await StsErrorAsync(context, "invalid_target", "The target service indicated by the \"audience\" parameters is invalid.").ConfigureAwait(false);
            return;
        }

        var subjectToken = Field("subject_token")?.Trim();
        var claims = _emulator.Jwt.Read(subjectToken);
        var check = subjectToken is null ? IdentityCheck.Refused("no subject token") : _emulator.Ledger.Check(subjectToken);
        if (claims is null || !check.IsValid)
        {
            await StsErrorAsync(context, "invalid_grant", "The subject token is invalid: " + (claims is null ? "not a token from a trusted issuer" : check.Failure) + ".").ConfigureAwait(false);
            return;
        }

        var principal = _emulator.FederatedPrincipal(claims["sub"].GetString()!);
        if (_emulator.Ledger.IsPrincipalRevoked(principal))
        {
            await StsErrorAsync(context, "invalid_grant", "The federated principal was revoked.", principal).ConfigureAwait(false);
            return;
        }

        var issued = _emulator.IssueAccessToken(principal);
        _emulator.Calls.Succeeded("STS token exchange", principal);
        await WriteJsonAsync(context, 200, new Dictionary<string, object>
        {
            ["access_token"] = issued.Key,
            ["issued_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)(issued.ExpiresAt - issued.IssuedAt).TotalSeconds,
        }).ConfigureAwait(false);
    }

    private async Task GenerateAccessTokenAsync(HttpContext context, string path)
    {
        var email = path["/v1/projects/-/serviceAccounts/".Length..^":generateAccessToken".Length];
        var authorization = context.Request.Headers.Authorization.ToString();
        var check = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? _emulator.Ledger.Check(authorization["Bearer ".Length..].Trim())
            : IdentityCheck.Refused("no bearer token");
        if (!check.IsValid)
        {
            _emulator.Calls.Failed("generateAccessToken", check.Failure!, check.Principal);
            await GoogleErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials: " + check.Failure + ".").ConfigureAwait(false);
            return;
        }

        if (email != _options.ServiceAccountEmail || _emulator.Ledger.IsPrincipalRevoked(email))
        {
            _emulator.Calls.Failed("generateAccessToken", $"{check.Principal} may not impersonate {email}", check.Principal);
            await GoogleErrorAsync(context, 403, "PERMISSION_DENIED", $"Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist): {email}.").ConfigureAwait(false);
            return;
        }

        var issued = _emulator.IssueAccessToken(email);
        _emulator.Calls.Succeeded("generateAccessToken", email);
        await WriteJsonAsync(context, 200, new Dictionary<string, object>
        {
            ["accessToken"] = issued.Key,
            ["expireTime"] = issued.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        }).ConfigureAwait(false);
    }

    private async Task StsErrorAsync(HttpContext context, string error, string description, string? principal = null)
    {
        _emulator.Calls.Failed("STS token exchange", error + ": " + description, principal);
        await WriteJsonAsync(context, 400, new Dictionary<string, object> { ["error"] = error, ["error_description"] = description }).ConfigureAwait(false);
    }

    private static Task GoogleErrorAsync(HttpContext context, int code, string status, string message) =>
        WriteJsonAsync(context, code, new Dictionary<string, object>
        {
            ["error"] = new Dictionary<string, object> { ["code"] = code, ["message"] = message, ["status"] = status },
        });

    private static async Task WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/text";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Dictionary<string, object> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body), context.RequestAborted).ConfigureAwait(false);
    }
}
