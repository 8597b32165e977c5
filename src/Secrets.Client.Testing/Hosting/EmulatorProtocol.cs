using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// The request pipeline every emulator shares: latency, counting, authentication through the
/// <see cref="EmulatorAuthenticator"/> hook, injected faults, routing, and errors written in the service's shape.
/// An emulator derives from it and supplies only what its wire protocol decides (see <c>docs/emulators.md</c>).
/// </summary>
internal abstract class EmulatorProtocol
{
    protected EmulatorProtocol(EmulatorOptions options)
    {
        Options = options;
    }

    public EmulatorFaults Faults { get; } = new();

    public EmulatorTraffic Traffic { get; } = new();

    public EmulatorOptions Options { get; }

    public TimeProvider TimeProvider => Options.TimeProvider;

    public DateTimeOffset Now => TimeProvider.GetUtcNow();

    /// <summary>Gets the content type of every JSON answer.</summary>
    public abstract string ContentType { get; }

    /// <summary>Handles one request: the <see cref="RequestDelegate"/> the loopback server runs.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var call = new EmulatorCall(context, this);
        OnRequestStarted(call);
        await Faults.DelayAsync(TimeProvider, context.RequestAborted).ConfigureAwait(false);
        Traffic.CountRequest();
        try
        {
            if (await AnswerUnguardedAsync(call).ConfigureAwait(false))
            {
                await OnAnsweredAsync(call, errorCode: null).ConfigureAwait(false);
                return;
            }

            call.Principal = await AuthenticateAsync(call).ConfigureAwait(false);
            Traffic.SeePrincipal(call.Principal);
            switch (Faults.Next())
            {
                case EmulatorFault.DropConnection:
                    context.Abort();
                    return;
                case EmulatorFault.Throttle:
                    if (Faults.RetryAfter is { } retryAfter)
                    {
                        context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    }

                    throw Throttled(call);
                case EmulatorFault.ServerError:
                    throw ServerError();
            }

            await RouteAsync(call).ConfigureAwait(false);
            await OnAnsweredAsync(call, errorCode: null).ConfigureAwait(false);
        }
        catch (EmulatorException error) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(call, error).ConfigureAwait(false);
            await OnAnsweredAsync(call, error.Code.Length > 0 ? error.Code : error.Status.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Describes an answered call for <see cref="EmulatorOptions.AccessLog"/>: the operation and the secret it named, in
    /// the service's own terms; null for calls its audit log would not record. Only called when a log is set.
    /// </summary>
    protected virtual Task<EmulatorAccess?> DescribeAccessAsync(EmulatorCall call, string? errorCode) => Task.FromResult<EmulatorAccess?>(null);

    /// <summary>Runs after a call was answered (or failed with <paramref name="errorCode"/>): records it in the access log.</summary>
    protected virtual async Task OnAnsweredAsync(EmulatorCall call, string? errorCode)
    {
        if (Options.AccessLog is { } log && call.Principal != EmulatorPrincipal.Anonymous && await DescribeAccessAsync(call, errorCode).ConfigureAwait(false) is { } access)
        {
            log.Add(access);
        }
    }

    /// <summary>Maps a credential through the configured <see cref="EmulatorOptions.Authenticator"/>, or <paramref name="fallback"/>.</summary>
    public EmulatorPrincipal? Authenticate(EmulatorCredential credential, Func<EmulatorCredential, EmulatorPrincipal?> fallback) =>
        Options.Authenticator is { } authenticator ? authenticator(credential) : fallback(credential);

    /// <summary>The error for a body over the size limit.</summary>
    public virtual EmulatorException TooLarge() => new(413, "RequestEntityTooLarge", "The request body is too large.");

    /// <summary>Adds headers every answer carries (request ids, service version).</summary>
    protected virtual void OnRequestStarted(EmulatorCall call)
    {
    }

    /// <summary>Answers requests that bypass authentication and faults (health checks); true when answered.</summary>
    protected virtual Task<bool> AnswerUnguardedAsync(EmulatorCall call) => Task.FromResult(false);

    /// <summary>Finds who the request comes from; throws the service's authentication error to refuse it.</summary>
    protected abstract Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call);

    /// <summary>The service's throttling error.</summary>
    protected abstract EmulatorException Throttled(EmulatorCall call);

    /// <summary>The service's transient server error.</summary>
    protected abstract EmulatorException ServerError();

    /// <summary>Answers the request.</summary>
    protected abstract Task RouteAsync(EmulatorCall call);

    /// <summary>Writes an error's JSON body in the service's shape.</summary>
    protected abstract void WriteError(Utf8JsonWriter writer, EmulatorException error);

    /// <summary>Writes an error answer; override to add headers.</summary>
    protected virtual Task WriteErrorAsync(EmulatorCall call, EmulatorException error) =>
        call.SendAsync(error.Status, EmulatorJson.Write(w => WriteError(w, error)));
}
