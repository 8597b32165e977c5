using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Verifies AWS Signature Version 4 on received requests the way AWS does: it rebuilds the canonical request from the
/// headers the client says it signed and compares signatures. Written from the public SigV4 specification,
/// independently of the signer the adapter uses, so that it can catch that signer's mistakes.
/// </summary>
internal sealed class AwsSigV4Verifier
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private readonly string _service;
    private readonly string? _region;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxClockSkew;

    /// <summary>Initializes a verifier for an AWS service emulator's <paramref name="service"/> in its region, on its clock.</summary>
    /// <param name="service">The signing name, for example <c>secretsmanager</c>.</param>
    /// <param name="options">The emulator's settings.</param>
    public AwsSigV4Verifier(string service, AwsEmulatorOptions options)
        : this(service, options.Region, options.TimeProvider, options.MaxClockSkew)
    {
    }

    /// <summary>Initializes a verifier for <paramref name="service"/> (for example <c>sts</c>).</summary>
    /// <param name="service">The signing name.</param>
    /// <param name="region">The only region accepted, or <see langword="null"/> for any.</param>
    /// <param name="time">The clock signatures are checked against.</param>
    /// <param name="maxClockSkew">How far <c>X-Amz-Date</c> may be from the clock.</param>
    public AwsSigV4Verifier(string service, string? region, TimeProvider time, TimeSpan maxClockSkew)
    {
        _service = service;
        _region = region;
        _time = time;
        _maxClockSkew = maxClockSkew;
    }

    /// <summary>Verifies a request's signature with the secret key of the principal <paramref name="authenticate"/> maps its access key to.</summary>
    public EmulatorPrincipal Verify(HttpRequest request, ReadOnlySpan<byte> body, Func<EmulatorCredential, EmulatorPrincipal?> authenticate)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(authorization))
        {
            throw new AwsEmulatorException("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            throw Incomplete($"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Unsupported algorithm in '{FirstWord(authorization)}'.");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Incomplete($"Authorization header requires each component to be of the form key=value. '{part}' is not.");
            }

            var value = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            throw Incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            throw Incomplete($"Credential '{credential}' must have the form <access key>/<date>/<region>/<service>/aws4_request.");
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            throw Incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        var headerNames = signedHeaders.Split(';');
        if (!headerNames.Contains("host") || !headerNames.Contains("x-amz-date"))
        {
            throw InvalidSignature("'Host' and 'X-Amz-Date' must be signed.");
        }

        var now = _time.GetUtcNow();
        if ((now - signedAt).Duration() > _maxClockSkew)
        {
            var earliest = (now - _maxClockSkew).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            throw InvalidSignature($"Signature expired: {amzDate} is now earlier than {earliest} ({now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)} - {_maxClockSkew.TotalMinutes} min.)");
        }

        if (scope[1] != amzDate[..8])
        {
            throw InvalidSignature($"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope[1]}' != '{amzDate[..8]}'.");
        }

        if (_region is not null && scope[2] != _region)
        {
            throw InvalidSignature($"Credential should be scoped to a valid region, not '{scope[2]}'.");
        }

        if (scope[3] != _service)
        {
            throw InvalidSignature($"Credential should be scoped to correct service: '{_service}'.");
        }

        var sessionToken = headerNames.Contains("x-amz-security-token") ? request.Headers["X-Amz-Security-Token"].ToString() : null;
        var principal = authenticate(new EmulatorCredential(EmulatorCredential.AwsAccessKeyKind, scope[0], sessionToken));
        if (principal?.SigningKey is not { } signingKey)
        {
            throw new AwsEmulatorException("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var declaredHash = request.Headers["X-Amz-Content-Sha256"].ToString();
        if (declaredHash.Length > 0 && declaredHash != bodyHash && declaredHash != "UNSIGNED-PAYLOAD")
        {
            throw InvalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var canonical = new StringBuilder();
        canonical.Append(request.Method).Append('\n');
        canonical.Append(CanonicalPath(request.Path.ToUriComponent())).Append('\n');
        canonical.Append(CanonicalQuery(request.QueryString.Value)).Append('\n');
        foreach (var name in headerNames)
        {
            var value = name == "host" ? request.Host.Value : string.Join(',', request.Headers[name].Select(v => v ?? string.Empty));
            canonical.Append(name).Append(':').Append(CollapseSpaces(value ?? string.Empty)).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n');
        canonical.Append(declaredHash == "UNSIGNED-PAYLOAD" ? declaredHash : bodyHash);

        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope[1]}/{scope[2]}/{scope[3]}/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + signingKey), scope[1]);
        key = Hmac(key, scope[2]);
        key = Hmac(key, scope[3]);
        key = Hmac(key, "aws4_request");
        var expected = Convert.ToHexStringLower(Hmac(key, stringToSign));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            throw InvalidSignature(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
                $"The Canonical String for this request should have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{stringToSign}'\n");
        }

        return principal;
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string FirstWord(string text) => text.Split(' ', 2)[0];

    private static AwsEmulatorException Incomplete(string message) => new("IncompleteSignatureException", message);

    private static AwsEmulatorException InvalidSignature(string message) => new("InvalidSignatureException", message);

    private static string CanonicalPath(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        // Every service but S3 signs the path as sent, URI-encoded once more.
        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    private static string CanonicalQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            return (Name: Uri.EscapeDataString(WebUtility.UrlDecode(name)), Value: Uri.EscapeDataString(WebUtility.UrlDecode(value)));
        });
        return string.Join('&', pairs.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => p.Name + "=" + p.Value));
    }

    private static string CollapseSpaces(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ' && previousSpace)
            {
                continue;
            }

            previousSpace = c == ' ';
            builder.Append(c);
        }

        return builder.ToString();
    }
}
