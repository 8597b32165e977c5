using System.Collections.Concurrent;
using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers STS (query protocol, XML), IMDSv2 and the container credentials endpoint the way AWS documents them, for
/// <see cref="AwsIdentityEmulator"/>.
/// </summary>
internal sealed class AwsIdentityRequestHandler
{
    public const string ContainerCredentialsPath = "v1/container-credentials";
    private const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    private const string ImdsTokenHeader = "X-aws-ec2-metadata-token";
    private const string ImdsTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
    private const string CredentialsPath = "/latest/meta-data/iam/security-credentials/";
    private readonly AwsIdentityEmulator _emulator;
    private readonly AwsIdentityEmulatorOptions _options;
    private readonly AwsSigV4Verifier _verifier;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _imdsSessions = new(StringComparer.Ordinal);

    public AwsIdentityRequestHandler(AwsIdentityEmulator emulator, AwsIdentityEmulatorOptions options)
    {
        _emulator = emulator;
        _options = options;
        _verifier = new AwsSigV4Verifier("sts", region: null, options.TimeProvider, TimeSpan.FromMinutes(15));
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (path.StartsWith("/latest/", StringComparison.Ordinal))
        {
            await HandleInstanceMetadataAsync(context, path).ConfigureAwait(false);
        }
        else if (path == "/" + ContainerCredentialsPath)
        {
            await HandleContainerAsync(context).ConfigureAwait(false);
        }
        else if (path == "/" && HttpMethods.IsPost(request.Method))
        {
            await HandleStsAsync(context).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task HandleStsAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        var form = QueryHelpers(Encoding.UTF8.GetString(body));
        var action = form.GetValueOrDefault("Action") ?? string.Empty;
        try
        {
            var result = action switch
            {
                "AssumeRoleWithWebIdentity" => AssumeRoleWithWebIdentity(form),
                "AssumeRole" => AssumeRole(form, Authenticate(context.Request, body, action)),
                "GetCallerIdentity" => GetCallerIdentity(Authenticate(context.Request, body, action)),
                _ => throw new StsError(400, "InvalidAction", $"Could not find operation {action} for version 2011-06-15."),
            };
            await WriteXmlAsync(context, 200, $"<{action}Response xmlns=\"{StsNamespace}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></{action}Response>").ConfigureAwait(false);
        }
        catch (StsError error)
        {
            _emulator.Calls.Failed(action, error.Code + ": " + error.Message, error.Principal);
            await WriteStsErrorAsync(context, error.Status, error.Code, error.Message).ConfigureAwait(false);
        }
    }

    private string AssumeRoleWithWebIdentity(Dictionary<string, string> form)
    {
        var token = form.GetValueOrDefault("WebIdentityToken");
        var roleArn = form.GetValueOrDefault("RoleArn") ?? throw new StsError(400, "MissingParameter", "The request must contain the parameter RoleArn.");
        var session = form.GetValueOrDefault("RoleSessionName") ?? throw new StsError(400, "MissingParameter", "The request must contain the parameter RoleSessionName.");
        var claims = _emulator.Jwt.Read(token);
        if (claims is null || token is null)
        {
            throw new StsError(400, "InvalidIdentityToken", "The web identity token is not a valid token from a trusted identity provider.");
        }

        var check = _emulator.Ledger.Check(token.Trim());
        if (!check.IsValid)
        {
            throw new StsError(400, check.Failure!.Contains("expired", StringComparison.Ordinal) ? "ExpiredTokenException" : "InvalidIdentityToken", "Token " + check.Failure + ".");
        }

        var audience = claims.TryGetValue("aud", out var aud) ? aud.GetString() : null;
        if (!string.Equals(audience, _options.WebIdentityAudience, StringComparison.Ordinal))
        {
            throw new StsError(400, "InvalidIdentityToken", $"Incorrect token audience: '{audience}'.");
        }

        var role = RoleName(roleArn);
        var principal = _emulator.AssumedRoleArn(role, session);
        var credentials = Issue(principal, "AssumeRoleWithWebIdentity");
        var subject = claims.TryGetValue("sub", out var sub) ? sub.GetString() : null;
        return $"<SubjectFromWebIdentityToken>{Escape(subject)}</SubjectFromWebIdentityToken><Audience>{Escape(audience)}</Audience>{AssumedRoleUser(principal, role, session)}{credentials}<Provider>oidc.eks.emulator.local</Provider>";
    }

    private string AssumeRole(Dictionary<string, string> form, string caller)
    {
        var roleArn = form.GetValueOrDefault("RoleArn") ?? throw new StsError(400, "MissingParameter", "The request must contain the parameter RoleArn.");
        var session = form.GetValueOrDefault("RoleSessionName") ?? throw new StsError(400, "MissingParameter", "The request must contain the parameter RoleSessionName.");
        var role = RoleName(roleArn, caller);
        var principal = _emulator.AssumedRoleArn(role, session);
        return AssumedRoleUser(principal, role, session) + Issue(principal, "AssumeRole");
    }

    private string GetCallerIdentity(string caller)
    {
        _emulator.Calls.Succeeded("GetCallerIdentity", caller);
        var userId = caller.Split('/') is { Length: 3 } parts ? "AROAEMULATOR" + Math.Abs(StringComparer.Ordinal.GetHashCode(parts[1])).ToString(CultureInfo.InvariantCulture) + ":" + parts[2] : caller;
        return $"<Arn>{Escape(caller)}</Arn><UserId>{Escape(userId)}</UserId><Account>{_options.AccountId}</Account>";
    }

    private string Authenticate(HttpRequest request, byte[] body, string action)
    {
        IdentityCheck? refused = null;
        try
        {
            return _verifier.Verify(request, body, credential =>
            {
                var check = _emulator.CheckSession(credential);
                refused = check.IsValid ? null : check;
                return check.IsValid ? new EmulatorPrincipal(check.Principal!, _emulator.Ledger.Find(credential.Value)!.Secret) : null;
            }).Name;
        }
        catch (AwsEmulatorException ex)
        {
            var expired = refused?.Failure?.Contains("expired", StringComparison.Ordinal) == true;
            throw new StsError(403, expired ? "ExpiredToken" : ex.Code == "UnrecognizedClientException" ? "InvalidClientTokenId" : "SignatureDoesNotMatch",
                refused is { } check ? $"The security token included in the {action} request is invalid: {check.Failure}." : ex.Message, refused?.Principal);
        }
    }

    private string RoleName(string roleArn, string? caller = null)
    {
        var prefix = $"arn:aws:iam::{_options.AccountId}:role/";
        if (!roleArn.StartsWith(prefix, StringComparison.Ordinal) || roleArn.Length == prefix.Length)
        {
            throw new StsError(403, "AccessDenied", $"Not authorized to perform sts:AssumeRole* on resource: {roleArn}", caller);
        }

        var role = roleArn[prefix.Length..];
        if (_emulator.Ledger.IsPrincipalRevoked(_emulator.AssumedRoleArn(role, "x")))
        {
            throw new StsError(403, "AccessDenied", $"Not authorized to perform sts:AssumeRole* on resource: {roleArn} (the role was revoked)", caller);
        }

        return role;
    }

    private string Issue(string principal, string operation)
    {
        var issued = _emulator.IssueSessionCredentials(principal);
        _emulator.Calls.Succeeded(operation, principal);
        return $"<Credentials><AccessKeyId>{issued.Key}</AccessKeyId><SecretAccessKey>{Escape(issued.Secret)}</SecretAccessKey><SessionToken>{Escape(issued.SessionToken)}</SessionToken><Expiration>{Iso(issued.ExpiresAt)}</Expiration></Credentials>";
    }

    private static string AssumedRoleUser(string principal, string role, string session) =>
        $"<AssumedRoleUser><Arn>{Escape(principal)}</Arn><AssumedRoleId>AROAEMULATOR{Math.Abs(StringComparer.Ordinal.GetHashCode(role)).ToString(CultureInfo.InvariantCulture)}:{Escape(session)}</AssumedRoleId></AssumedRoleUser>";

    private async Task HandleInstanceMetadataAsync(HttpContext context, string path)
    {
        var request = context.Request;
        var now = _emulator.Ledger.Now;
        if (path == "/latest/api/token")
        {
            if (!HttpMethods.IsPut(request.Method))
            {
                await WriteTextAsync(context, 405, string.Empty).ConfigureAwait(false);
                return;
            }

            if (!int.TryParse(request.Headers[ImdsTtlHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) || ttl is < 1 or > 21600)
            {
                _emulator.Calls.Failed("IMDS session token", "missing or invalid " + ImdsTtlHeader);
                await WriteTextAsync(context, 400, string.Empty).ConfigureAwait(false);
                return;
            }

            var session = IssuedCredentialLedger.NewToken("imds-", 32);
            _imdsSessions[session] = now.AddSeconds(ttl);
            context.Response.Headers[ImdsTtlHeader] = ttl.ToString(CultureInfo.InvariantCulture);
            _emulator.Calls.Succeeded("IMDS session token", null);
            await WriteTextAsync(context, 200, session).ConfigureAwait(false);
            return;
        }

        // IMDSv2 only: every read presents a live session token (IMDSv1 is disabled, as AWS recommends).
        var presented = request.Headers[ImdsTokenHeader].ToString();
        if (presented.Length == 0 || !_imdsSessions.TryGetValue(presented, out var expiresAt) || now >= expiresAt)
        {
            _emulator.Calls.Failed("IMDS read", presented.Length == 0 ? "no IMDSv2 session token" : "unknown or expired IMDSv2 session token");
            await WriteTextAsync(context, 401, string.Empty).ConfigureAwait(false);
            return;
        }

        var role = _options.InstanceRoleName;
        if (string.IsNullOrEmpty(role) || !path.StartsWith("/latest/meta-data/iam/", StringComparison.Ordinal))
        {
            _emulator.Calls.Failed("IMDS read", string.IsNullOrEmpty(role) ? "no instance profile is attached" : "not found: " + path);
            await WriteTextAsync(context, 404, string.Empty).ConfigureAwait(false);
            return;
        }

        if (path == "/latest/meta-data/iam/info")
        {
            await WriteJsonAsync(context, new Dictionary<string, object?>
            {
                ["Code"] = "Success",
                ["LastUpdated"] = Iso(now),
                ["InstanceProfileArn"] = $"arn:aws:iam::{_options.AccountId}:instance-profile/{role}",
                ["InstanceProfileId"] = "AIPAEMULATOR00000001",
            }).ConfigureAwait(false);
        }
        else if (path == CredentialsPath || path == CredentialsPath.TrimEnd('/'))
        {
            await WriteTextAsync(context, 200, role).ConfigureAwait(false);
        }
        else if (path.TrimEnd('/') == CredentialsPath + role)
        {
            await WriteCredentialsJsonAsync(context, _emulator.InstancePrincipal!, "IMDS role credentials", includeRole: false).ConfigureAwait(false);
        }
        else
        {
            _emulator.Calls.Failed("IMDS read", "not found: " + path);
            await WriteTextAsync(context, 404, string.Empty).ConfigureAwait(false);
        }
    }

    private async Task HandleContainerAsync(HttpContext context)
    {
        var presented = context.Request.Headers.Authorization.ToString();
        if (!string.Equals(presented, _emulator.ContainerAuthorizationToken, StringComparison.Ordinal))
        {
            var failure = presented.Length == 0 ? "no authorization token" : "wrong authorization token";
            _emulator.Calls.Failed("container credentials", failure);
            context.Response.StatusCode = 401;
            await WriteJsonAsync(context, new Dictionary<string, object?> { ["Code"] = "AccessDenied", ["Message"] = "Container credentials request refused: " + failure + "." }, 401).ConfigureAwait(false);
            return;
        }

        await WriteCredentialsJsonAsync(context, _emulator.ContainerPrincipal, "container credentials", includeRole: true).ConfigureAwait(false);
    }

    private async Task WriteCredentialsJsonAsync(HttpContext context, string principal, string operation, bool includeRole)
    {
        if (_emulator.Ledger.IsPrincipalRevoked(principal))
        {
            _emulator.Calls.Failed(operation, "the role was revoked", principal);
            await WriteJsonAsync(context, new Dictionary<string, object?> { ["Code"] = "AccessDenied", ["Message"] = "The role was revoked." }, 403).ConfigureAwait(false);
            return;
        }

        var issued = _emulator.IssueSessionCredentials(principal);
        _emulator.Calls.Succeeded(operation, principal);
        var body = new Dictionary<string, object?>
        {
            ["Code"] = "Success",
            ["LastUpdated"] = Iso(issued.IssuedAt),
            ["Type"] = "AWS-HMAC",
            ["AccessKeyId"] = issued.Key,
            ["SecretAccessKey"] = issued.Secret,
            ["Token"] = issued.SessionToken,
            ["Expiration"] = Iso(issued.ExpiresAt),
        };
        if (includeRole)
        {
            body["RoleArn"] = _emulator.RoleArn(_options.ContainerRoleName);
        }

        await WriteJsonAsync(context, body).ConfigureAwait(false);
    }

    private static Dictionary<string, string> QueryHelpers(string form)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            values[name] = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }

        return values;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Escape(string? text) => text is null ? null : SecurityElement.Escape(text);

    /// <summary>Writes STS's error document (also for the faults the shared pipeline injects).</summary>
    public static Task WriteStsErrorAsync(HttpContext context, int status, string code, string message)
    {
        var type = status >= 500 ? "Receiver" : "Sender";
        return WriteXmlAsync(context, status, $"<ErrorResponse xmlns=\"{StsNamespace}\"><Error><Type>{type}</Type><Code>{code}</Code><Message>{Escape(message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>");
    }

    private static async Task WriteXmlAsync(HttpContext context, int status, string xml)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(xml, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, Dictionary<string, object?> body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body), context.RequestAborted).ConfigureAwait(false);
    }

    private sealed class StsError(int status, string code, string message, string? principal = null) : Exception(message)
    {
        public int Status { get; } = status;

        public string Code { get; } = code;

        public string? Principal { get; } = principal;
    }
}
