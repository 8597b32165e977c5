using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the App Service managed identity endpoint, IMDS and the Entra v2.0 token endpoint (with the instance
/// discovery and OpenID configuration documents MSAL reads) the way Microsoft documents them, for <see cref="AzureIdentityEmulator"/>.
/// </summary>
internal sealed class AzureIdentityRequestHandler
{
    public const string ManagedIdentityPath = "/msi/token";
    private const string ImdsTokenPath = "/metadata/identity/oauth2/token";
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly string[] AuthMethods = ["client_secret_post", "private_key_jwt", "client_secret_basic"];
    private readonly AzureIdentityEmulator _emulator;

    public AzureIdentityRequestHandler(AzureIdentityEmulator emulator) => _emulator = emulator;

    public async Task HandleManagedIdentityAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value;
        if (path == ManagedIdentityPath)
        {
            // App Service / Functions / Container Apps, API 2019-08-01: the secret header proves the caller runs in the app.
            if (!string.Equals(request.Headers["X-IDENTITY-HEADER"].ToString(), _emulator.IdentityHeader, StringComparison.Ordinal))
            {
                _emulator.Calls.Failed("managed identity token", "missing or wrong X-IDENTITY-HEADER");
                await WriteJsonAsync(context, 401, new() { ["statusCode"] = 401, ["message"] = "Unable to validate X-IDENTITY-HEADER." }).ConfigureAwait(false);
                return;
            }

            await IssueManagedIdentityTokenAsync(context, "managed identity token", imds: false).ConfigureAwait(false);
        }
        else if (path == ImdsTokenPath)
        {
            if (!string.Equals(request.Headers["Metadata"].ToString(), "true", StringComparison.OrdinalIgnoreCase))
            {
                // MSAL probes IMDS without the header and takes this 400 as "IMDS is here".
                _emulator.Calls.Failed("IMDS token", "Required metadata header not specified");
                await WriteJsonAsync(context, 400, new() { ["error"] = "invalid_request", ["error_description"] = "Required metadata header not specified" }).ConfigureAwait(false);
                return;
            }

            await IssueManagedIdentityTokenAsync(context, "IMDS token", imds: true).ConfigureAwait(false);
        }
        else
        {
            // Includes IMDSv2's /metadata/identity/getplatformmetadata: not offered, so MSAL uses IMDSv1.
            context.Response.StatusCode = 404;
        }
    }

    public async Task HandleEntraAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var authority = _emulator.AuthorityHost.ToString().TrimEnd('/');
        var tenant = _emulator.TenantId;
        if (path.EndsWith("/discovery/instance", StringComparison.Ordinal))
        {
            var host = _emulator.AuthorityHost.Authority;
            await WriteJsonAsync(context, 200, new()
            {
                ["tenant_discovery_endpoint"] = $"{authority}/{tenant}/v2.0/.well-known/openid-configuration",
                ["api-version"] = "1.1",
                ["metadata"] = new[] { new Dictionary<string, object> { ["preferred_network"] = host, ["preferred_cache"] = host, ["aliases"] = new[] { host } } },
            }).ConfigureAwait(false);
        }
        else if (path.EndsWith("/v2.0/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 200, new()
            {
                ["issuer"] = $"{authority}/{tenant}/v2.0",
                ["token_endpoint"] = $"{authority}/{tenant}/oauth2/v2.0/token",
                ["authorization_endpoint"] = $"{authority}/{tenant}/oauth2/v2.0/authorize",
                ["jwks_uri"] = $"{authority}/{tenant}/discovery/v2.0/keys",
                ["token_endpoint_auth_methods_supported"] = AuthMethods,
                ["tenant_region_scope"] = "WW",
            }).ConfigureAwait(false);
        }
        else if (path == $"/{tenant}/oauth2/v2.0/token" && HttpMethods.IsPost(context.Request.Method))
        {
            await ClientCredentialsAsync(context).ConfigureAwait(false);
        }
        else if (path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            await EntraErrorAsync(context, "invalid_tenant", 90002, $"Tenant '{path.Split('/')[1]}' not found.").ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task IssueManagedIdentityTokenAsync(HttpContext context, string operation, bool imds)
    {
        var query = context.Request.Query;
        var resource = query["resource"].ToString();
        if (resource.Length == 0)
        {
            _emulator.Calls.Failed(operation, "no resource");
            await WriteJsonAsync(context, 400, new() { ["error"] = "invalid_request", ["error_description"] = "Required query variable 'resource' is missing" }).ConfigureAwait(false);
            return;
        }

        var asked = FirstNonEmpty(query["client_id"], query["object_id"], query["principal_id"], query["msi_res_id"], query["mi_res_id"]);
        var identity = asked is null ? _emulator.SystemAssignedIdentity : _emulator.FindIdentity(asked);
        if (identity is null || identity.FederatedSubject is not null)
        {
            _emulator.Calls.Failed(operation, "identity not found: " + asked);
            await WriteJsonAsync(context, 400, new() { ["error"] = "invalid_request", ["error_description"] = "Identity not found" }).ConfigureAwait(false);
            return;
        }

        if (_emulator.Ledger.IsPrincipalRevoked(identity.ObjectId))
        {
            _emulator.Calls.Failed(operation, "the identity was revoked", identity.ObjectId);
            await WriteJsonAsync(context, 400, new() { ["error"] = "invalid_request", ["error_description"] = "Identity not found (revoked)" }).ConfigureAwait(false);
            return;
        }

        var issued = _emulator.IssueAccessToken(identity, resource);
        var expiresOn = issued.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var expiresIn = ((long)(issued.ExpiresAt - issued.IssuedAt).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var body = new Dictionary<string, object>
        {
            ["access_token"] = issued.Key,
            ["expires_on"] = expiresOn,
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = identity.ClientId,
        };
        if (imds)
        {
            body["refresh_token"] = string.Empty;
            body["expires_in"] = expiresIn;
            body["ext_expires_in"] = expiresIn;
            body["not_before"] = issued.IssuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
        // Recorded once the answer is written, so a test awaiting the issuance knows the token is on its way to the client.
        _emulator.Calls.Succeeded(operation, identity.ObjectId);
    }

    private async Task ClientCredentialsAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : string.Empty;
        var identity = _emulator.FindIdentity(Field("client_id"));
        if (Field("grant_type") != "client_credentials" || identity is null || identity.FederatedSubject is null)
        {
            await EntraErrorAsync(context, "unauthorized_client", 700016, $"Application with identifier '{Field("client_id")}' was not found in the directory '{_emulator.TenantId}'.").ConfigureAwait(false);
            return;
        }

        if (Field("client_assertion_type") != AssertionType)
        {
            await EntraErrorAsync(context, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", identity.ObjectId).ConfigureAwait(false);
            return;
        }

        var assertion = Field("client_assertion").Trim();
        var claims = _emulator.Jwt.Read(assertion);
        var check = _emulator.Ledger.Check(assertion);
        if (claims is null || !check.IsValid)
        {
            var expired = check.Failure?.Contains("expired", StringComparison.Ordinal) == true;
            await EntraErrorAsync(context, "invalid_client", expired ? 700024 : 700211, expired
                ? "AADSTS700024: Client assertion is not within its valid time range."
                : "AADSTS700211: No matching federated identity record found for presented assertion issuer.", identity.ObjectId).ConfigureAwait(false);
            return;
        }

        var audience = claims.TryGetValue("aud", out var aud) ? aud.GetString() : null;
        var subject = claims.TryGetValue("sub", out var sub) ? sub.GetString() : null;
        if (audience != _emulator.Options.FederatedTokenAudience || subject != identity.FederatedSubject)
        {
            await EntraErrorAsync(context, "invalid_client", 70021, $"AADSTS70021: No matching federated identity record found for presented assertion. Assertion Subject: '{subject}'. Assertion Audience: '{audience}'.", identity.ObjectId).ConfigureAwait(false);
            return;
        }

        if (_emulator.Ledger.IsPrincipalRevoked(identity.ObjectId))
        {
            await EntraErrorAsync(context, "unauthorized_client", 7000112, "AADSTS7000112: Application is disabled.", identity.ObjectId).ConfigureAwait(false);
            return;
        }

        var scope = Field("scope");
        var resource = scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : scope;
        var issued = _emulator.IssueAccessToken(identity, resource);
        var lifetime = (long)(issued.ExpiresAt - issued.IssuedAt).TotalSeconds;
        await WriteJsonAsync(context, 200, new()
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = lifetime,
            ["ext_expires_in"] = lifetime,
            ["access_token"] = issued.Key,
        }).ConfigureAwait(false);
        _emulator.Calls.Succeeded("Entra client credentials (federated)", identity.ObjectId);
    }

    private async Task EntraErrorAsync(HttpContext context, string error, int code, string description, string? principal = null)
    {
        _emulator.Calls.Failed("Entra client credentials (federated)", description, principal);
        await WriteJsonAsync(context, 400, new()
        {
            ["error"] = error,
            ["error_description"] = description.StartsWith("AADSTS", StringComparison.Ordinal) ? description : $"AADSTS{code}: {description}",
            ["error_codes"] = new[] { code },
            ["timestamp"] = _emulator.Ledger.Now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["trace_id"] = Guid.NewGuid().ToString(),
            ["correlation_id"] = Guid.NewGuid().ToString(),
        }).ConfigureAwait(false);
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(value => !string.IsNullOrEmpty(value));

    private static async Task WriteJsonAsync(HttpContext context, int status, Dictionary<string, object> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body), context.RequestAborted).ConfigureAwait(false);
    }
}
