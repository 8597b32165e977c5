using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Secrets.Client.Testing;

/// <summary>One credential an identity emulator issued: to whom, until when, and whether it was revoked.</summary>
internal sealed record IssuedCredential(string Key, string Principal, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string? Secret = null, string? SessionToken = null)
{
    public bool Revoked { get; set; }
}

/// <summary>
/// Every credential or token an identity emulator issued, keyed by the token (or access key id), so that the cloud
/// emulators accept exactly what was issued while it is valid. Thread-safe.
/// </summary>
internal sealed class IssuedCredentialLedger
{
    private readonly ConcurrentDictionary<string, IssuedCredential> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _revokedPrincipals = new(StringComparer.Ordinal);
    private readonly IdentityEmulatorOptions _options;

    public IssuedCredentialLedger(IdentityEmulatorOptions options) => _options = options;

    public DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    public int Count => _issued.Count;

    public IssuedCredential Issue(string key, string principal, string? secret = null, string? sessionToken = null)
    {
        var now = Now;
        var issued = new IssuedCredential(key, principal, now, now + _options.CredentialLifetime, secret, sessionToken);
        _issued[key] = issued;
        return issued;
    }

    /// <summary>Tells whether <paramref name="principal"/> was revoked, by name or by a revoked prefix ending in '/'.</summary>
    public bool IsPrincipalRevoked(string principal) => _revokedPrincipals.Keys.Any(revoked => Matches(revoked, principal));

    /// <summary>Revokes a principal (or every principal under a prefix ending in '/') and every credential issued to it.</summary>
    public void RevokePrincipal(string principal)
    {
        _revokedPrincipals[principal] = true;
        foreach (var credential in _issued.Values)
        {
            if (Matches(principal, credential.Principal))
            {
                credential.Revoked = true;
            }
        }
    }

    public void RestorePrincipal(string principal) => _revokedPrincipals.TryRemove(principal, out _);

    public IssuedCredential? Find(string key) => _issued.TryGetValue(key, out var issued) ? issued : null;

    public IdentityCheck Check(string key)
    {
        if (!_issued.TryGetValue(key, out var issued))
        {
            return IdentityCheck.Refused("the credential was not issued by this identity emulator");
        }

        if (issued.Revoked)
        {
            return IdentityCheck.Refused("the credential was revoked", issued.Principal);
        }

        return Now >= issued.ExpiresAt
            ? IdentityCheck.Refused("the credential expired at " + issued.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), issued.Principal)
            : IdentityCheck.Valid(issued.Principal);
    }

    /// <summary>Accepts a bearer token this ledger issued while it is valid, recording the decision as <c>authenticate</c>.</summary>
    public EmulatorPrincipal? AuthenticateBearer(EmulatorCredential credential, IdentityCallLog calls)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var check = credential.Kind == EmulatorCredential.BearerKind ? Check(credential.Value) : IdentityCheck.Refused("not a bearer token");
        if (!check.IsValid)
        {
            calls.Failed("authenticate", check.Failure!, check.Principal);
            return null;
        }

        calls.Succeeded("authenticate", check.Principal);
        return new EmulatorPrincipal(check.Principal!);
    }

    /// <summary>Every issued value (tokens, secret keys, session tokens), for canary scans of captured output.</summary>
    public IEnumerable<string> IssuedValues()
    {
        foreach (var issued in _issued.Values)
        {
            // An access key id (a key with a separate secret) is an identifier, not a credential; a bearer token is both.
            if (issued.Secret is null)
            {
                yield return issued.Key;
            }
            else
            {
                yield return issued.Secret;
            }

            if (issued.SessionToken is not null)
            {
                yield return issued.SessionToken;
            }
        }
    }

    private static bool Matches(string revoked, string principal) =>
        string.Equals(revoked, principal, StringComparison.Ordinal)
        || (revoked.EndsWith('/') && principal.StartsWith(revoked, StringComparison.Ordinal));

    public static string NewToken(string prefix, int bytes = 24) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
