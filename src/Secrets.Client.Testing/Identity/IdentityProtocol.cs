using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// The shared request pipeline (latency, counting, faults) in front of an identity emulator's endpoints. Each endpoint
/// checks its own credential (an STS signature, an IMDS session token, a container or metadata header, a client
/// assertion), so the pipeline lets every request through to <see cref="Handle"/>; errors it injects are written in
/// OAuth's shape (<c>{"error","error_description"}</c>) unless the emulator writes its own.
/// </summary>
internal sealed class IdentityProtocol : EmulatorProtocol
{
    private readonly Func<HttpContext, EmulatorException, Task>? _writeError;

    public IdentityProtocol(IdentityEmulatorOptions options, Func<HttpContext, EmulatorException, Task>? writeError = null)
        : base(new LoopbackHostOptions(options.Port, options.TimeProvider)) => _writeError = writeError;

    public override string ContentType => "application/json";

    /// <summary>Gets or sets the emulator's endpoints; set once, before the server starts.</summary>
    public RequestDelegate Handle { get; set; } = context =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call) => Task.FromResult(EmulatorPrincipal.Anonymous);

    protected override EmulatorException Throttled(EmulatorCall call) => new(429, "Throttling", "Rate exceeded");

    protected override EmulatorException ServerError() => new(500, "InternalFailure", "The request processing has failed because of an unknown error.");

    protected override Task RouteAsync(EmulatorCall call) => Handle(call.Context);

    protected override void WriteError(Utf8JsonWriter writer, EmulatorException error)
    {
        writer.WriteStartObject();
        writer.WriteString("error", error.Code);
        writer.WriteString("error_description", error.Message);
        writer.WriteEndObject();
    }

    protected override Task WriteErrorAsync(EmulatorCall call, EmulatorException error) =>
        _writeError is { } write ? write(call.Context, error) : base.WriteErrorAsync(call, error);
}
