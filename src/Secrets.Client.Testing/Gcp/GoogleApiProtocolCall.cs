using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// What the Google API emulators (Secret Manager, Pub/Sub) share: an OAuth 2 bearer token checked through the
/// authenticator hook (else the emulator's own test token, as a service account of the project), Google's error body
/// <c>{"error":{"code","message","status"}}</c>, and RFC 3339 times with microseconds as the APIs write them.
/// </summary>
internal static class GoogleApiProtocolCall
{
    /// <summary>Formats a time as Google APIs do (UTC, microseconds, <c>Z</c>).</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text.</returns>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Who sent the call: anonymous when the emulator allows it and has no authenticator, else the bearer token's principal, or null.</summary>
    /// <param name="protocol">The emulator's protocol (its authenticator hook).</param>
    /// <param name="call">The call.</param>
    /// <param name="allowAnonymous">Whether calls without a token are accepted (only without an authenticator).</param>
    /// <param name="hasAuthenticator">Whether an identity emulator's authenticator is configured.</param>
    /// <param name="testToken">The emulator's own test token.</param>
    /// <param name="projectId">The project its test service account belongs to.</param>
    /// <returns>The principal, or null when the token is missing or not accepted.</returns>
    public static EmulatorPrincipal? Authenticate(EmulatorProtocol protocol, EmulatorCall call, bool allowAnonymous, bool hasAuthenticator, string testToken, string projectId)
    {
        if (allowAnonymous && !hasAuthenticator)
        {
            return EmulatorPrincipal.Anonymous;
        }

        var authorization = call.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        return token is null ? null : protocol.Authenticate(new EmulatorCredential(EmulatorCredential.BearerKind, token), c =>
            string.Equals(c.Value, testToken, StringComparison.Ordinal) ? new EmulatorPrincipal("emulator@" + projectId + ".iam.gserviceaccount.com") : null);
    }

    /// <summary>Writes Google's error body.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="error">The error.</param>
    public static void WriteError(Utf8JsonWriter w, EmulatorException error)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteNumber("code", error.Status);
        w.WriteString("message", error.Message);
        w.WriteString("status", error.Code);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
