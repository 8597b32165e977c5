using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the SQS JSON protocol as AWS SDKs speak it today (AWS JSON 1.0: <c>POST</c>, <c>X-Amz-Target:
/// AmazonSQS.*</c>, <c>Content-Type: application/x-amz-json-1.0</c>, the queue URL in the body) with SigV4 verification
/// for the signing name <c>sqs</c>; errors as <c>{"__type":"com.amazonaws.sqs#Code","message"}</c> with the
/// <c>x-amzn-query-error</c> header older clients map from.
/// </summary>
internal sealed class SqsProtocol : AwsJsonProtocol
{
    private readonly SqsEmulatorOptions _options;

    public SqsProtocol(SqsEmulatorOptions options, SqsBackend backend)
        : base(options, signingName: "sqs", jsonVersion: "1.0", "AmazonSQS.")
    {
        _options = options;
        Backend = backend;
    }

    public SqsBackend Backend { get; }

    public override EmulatorException TooLarge() => new AwsEmulatorException("InvalidParameterValue", "The request body is too large.", HttpStatusCode.RequestEntityTooLarge);

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call) =>
        AuthenticateJsonCallAsync(call, rootPathOnly: false, _options.RequireSignature);

    protected override EmulatorException Throttled(EmulatorCall call) => new AwsEmulatorException("RequestThrottled", "Request is throttled.");

    protected override EmulatorException ServerError() =>
        new AwsEmulatorException("InternalError", "We encountered an internal error. Please try again.", HttpStatusCode.InternalServerError);

    protected override void WriteError(Utf8JsonWriter writer, EmulatorException error)
    {
        writer.WriteStartObject();
        writer.WriteString("__type", error.Code.Contains('#', StringComparison.Ordinal) ? error.Code : "com.amazonaws.sqs#" + error.Code);
        writer.WriteString("message", error.Message);
        writer.WriteEndObject();
    }

    protected override Task WriteErrorAsync(EmulatorCall call, EmulatorException error)
    {
        var queryCode = error.Code switch
        {
            "QueueDoesNotExist" => "AWS.SimpleQueueService.NonExistentQueue",
            _ => error.Code,
        };
        call.Context.Response.Headers["x-amzn-query-error"] = $"{queryCode};{(error.Status >= 500 ? "Receiver" : "Sender")}";
        return base.WriteErrorAsync(call, error);
    }

    protected override async Task RouteAsync(EmulatorCall call)
    {
        if (!call.Request.ContentType?.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) ?? true)
        {
            throw new AwsEmulatorException("InvalidParameterValue", $"Content-Type must be {ContentType}.");
        }

        using var document = await call.ReadObjectAsync(() => new AwsEmulatorException("SerializationException", "The request body must be a JSON object.")).ConfigureAwait(false);
        var operation = OperationOf(call)!;
        if (operation == "ReceiveMessage")
        {
            var write = await Backend.ReceiveAsync(document.RootElement, call.Aborted).ConfigureAwait(false);
            await call.ObjectAsync(200, write).ConfigureAwait(false);
            return;
        }

        await call.ObjectAsync(200, w => Backend.Dispatch(operation, document.RootElement, w, call.Principal.Name)).ConfigureAwait(false);
    }
}
