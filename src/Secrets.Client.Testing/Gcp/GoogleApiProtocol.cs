using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// The front door the Google API emulators (Secret Manager, Pub/Sub, Cloud Logging) share: JSON in UTF-8, an OAuth 2 bearer token
/// checked through the authenticator hook (else the emulator's own test token, as a service account of the project;
/// none when anonymous access is allowed and no authenticator is set), 503 <c>UNAVAILABLE</c> for a server error, and
/// Google's error body <c>{"error":{"code","message","status"}}</c>.
/// </summary>
internal abstract class GoogleApiProtocol : EmulatorProtocol
{
    private readonly string _projectId;
    private readonly bool _allowAnonymous;
    private readonly string _testToken;
    private readonly string _serviceAccount;

    /// <param name="options">The emulator's options (its authenticator hook).</param>
    /// <param name="projectId">The project the test token's service account belongs to.</param>
    /// <param name="allowAnonymous">Whether calls without a token are accepted (only without an authenticator).</param>
    /// <param name="testToken">The emulator's own test token.</param>
    /// <param name="serviceAccount">The test token's service account, before <c>@project.iam.gserviceaccount.com</c>.</param>
    protected GoogleApiProtocol(EmulatorOptions options, string projectId, bool allowAnonymous, string testToken, string serviceAccount = "emulator")
        : base(options)
    {
        _projectId = projectId;
        _allowAnonymous = allowAnonymous;
        _testToken = testToken;
        _serviceAccount = serviceAccount;
    }

    public override string ContentType => "application/json; charset=UTF-8";

    protected static EmulatorException Error(int status, string code, string message) => new(status, code, message);

    protected override EmulatorException ServerError() => Error(503, "UNAVAILABLE", "The service is currently unavailable.");

    protected override void WriteError(Utf8JsonWriter writer, EmulatorException error)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteNumber("code", error.Status);
        writer.WriteString("message", error.Message);
        writer.WriteString("status", error.Code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Who sent the call: anonymous when allowed and no authenticator is set, else the bearer token's principal, or null.</summary>
    protected EmulatorPrincipal? AuthenticateBearer(EmulatorCall call)
    {
        if (_allowAnonymous && Options.Authenticator is null)
        {
            return EmulatorPrincipal.Anonymous;
        }

        var authorization = call.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        return token is null ? null : Authenticate(new EmulatorCredential(EmulatorCredential.BearerKind, token), c =>
            string.Equals(c.Value, _testToken, StringComparison.Ordinal) ? new EmulatorPrincipal(_serviceAccount + "@" + _projectId + ".iam.gserviceaccount.com") : null);
    }
}
