using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the AWS JSON 1.1 protocol (<c>POST /</c>, <c>X-Amz-Target: secretsmanager.*</c>) with SigV4 verification,
/// and the local agent endpoint (<c>GET /secretsmanager/get</c>); errors as <c>{"__type","message"}</c> with
/// <c>x-amzn-ErrorType</c>. Operations are counted by name in <see cref="EmulatorProtocol.Traffic"/>.
/// </summary>
internal sealed class AwsSecretsManagerProtocol : AwsJsonProtocol
{
    private const string AgentOperation = "Agent.GetSecretValue";
    private readonly AwsSecretsManagerEmulatorOptions _options;

    public AwsSecretsManagerProtocol(AwsSecretsManagerEmulatorOptions options, AwsEmulatorBackend backend)
        : base(options, signingName: "secretsmanager", jsonVersion: "1.1", "secretsmanager.")
    {
        _options = options;
        Backend = backend;
    }

    public AwsEmulatorBackend Backend { get; }

    public override EmulatorException TooLarge() =>
        new AwsEmulatorException("SerializationException", "The request body is too large.", HttpStatusCode.RequestEntityTooLarge);

    protected override async Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call)
    {
        if (IsAgent(call))
        {
            Traffic.CountOperation(AgentOperation);
            return call.Header("X-Aws-Parameters-Secrets-Token") == _options.AgentToken
                ? new EmulatorPrincipal("agent")
                : throw new AwsEmulatorException("AccessDeniedException", "Forbidden: missing or wrong X-Aws-Parameters-Secrets-Token.", HttpStatusCode.Forbidden);
        }

        return await AuthenticateJsonCallAsync(call, rootPathOnly: true, _options.RequireSignature).ConfigureAwait(false);
    }

    protected override EmulatorException Throttled(EmulatorCall call) => new AwsEmulatorException("ThrottlingException", "Rate exceeded");

    /// <summary>What CloudTrail records of a call: the operation and the request parameters it logs (never a value).</summary>
    protected override async Task<EmulatorAccess?> DescribeAccessAsync(EmulatorCall call, string? errorCode)
    {
        if (IsAgent(call) || OperationOf(call) is not { } operation)
        {
            return null;
        }

        using var request = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = request?.RootElement;
        string? Text(string name) => root is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var list = root is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("SecretIdList", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? ids.EnumerateArray().Select(id => id.GetString() ?? string.Empty).ToArray()
            : [];
        var authorization = call.Header("Authorization");
        var credential = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        return new EmulatorAccess(Now, operation, call.Principal.Name)
        {
            SourceAddress = call.Context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = call.Header("User-Agent"),
            AccessKeyId = credential < 0 ? null : authorization[(credential + "Credential=".Length)..].Split('/')[0],
            Resource = Text("SecretId"),
            ResourceArn = Text("SecretId") is { } id ? Backend.ArnOf(id) : null,
            Resources = list,
            VersionId = Text("VersionId"),
            VersionStage = Text("VersionStage"),
            ErrorCode = errorCode,
        };
    }

    protected override EmulatorException ServerError() =>
        new AwsEmulatorException("InternalServiceError", "An error occurred on the server side.", HttpStatusCode.InternalServerError);

    protected override void WriteError(Utf8JsonWriter writer, EmulatorException error)
    {
        writer.WriteStartObject();
        writer.WriteString("__type", error.Code);
        writer.WriteString("message", error.Message);
        writer.WriteEndObject();
    }

    protected override Task WriteErrorAsync(EmulatorCall call, EmulatorException error)
    {
        call.Context.Response.Headers["x-amzn-ErrorType"] = error.Code;
        return base.WriteErrorAsync(call, error);
    }

    protected override async Task RouteAsync(EmulatorCall call)
    {
        if (IsAgent(call))
        {
            var query = call.Request.Query;
            var agentBody = EmulatorJson.Write(w => Backend.AgentGet(query["secretId"].ToString(), NullIfEmpty(query["versionId"].ToString()), NullIfEmpty(query["versionStage"].ToString()), w));
            call.Context.Response.StatusCode = 200;
            call.Context.Response.ContentType = "application/json";
            await call.Context.Response.Body.WriteAsync(agentBody, call.Aborted).ConfigureAwait(false);
            return;
        }

        if (!call.Request.ContentType?.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) ?? true)
        {
            throw new AwsEmulatorException("SerializationException", $"Content-Type must be {ContentType}.");
        }

        var body = await call.ReadBodyAsync().ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
        }
        catch (JsonException)
        {
            throw new AwsEmulatorException("SerializationException", "The request body is not valid JSON.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AwsEmulatorException("SerializationException", "The request body must be a JSON object.");
            }

            var operation = OperationOf(call)!;
            await call.ObjectAsync(200, w => Backend.Dispatch(operation, document.RootElement, w)).ConfigureAwait(false);
        }
    }

    private static bool IsAgent(EmulatorCall call) => HttpMethods.IsGet(call.Method) && call.Path == "/secretsmanager/get";

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // A session token, when the options name one, must come with the emulator's own key.
    protected override EmulatorPrincipal? DefaultPrincipal(EmulatorCredential credential) =>
        _options.SessionToken is null || credential.SessionToken == _options.SessionToken ? base.DefaultPrincipal(credential) : null;
}
