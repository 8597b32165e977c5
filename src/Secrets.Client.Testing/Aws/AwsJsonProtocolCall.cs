using System.Net;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// The front door every AWS JSON-protocol emulator shares (Secrets Manager, SQS): <c>POST</c> with an
/// <c>X-Amz-Target: {prefix}{Operation}</c> header, the operation counted, then SigV4 verified over the body (or, with
/// signatures off, a fixed emulator user of the account).
/// </summary>
internal static class AwsJsonProtocolCall
{
    /// <summary>Checks the call's shape, counts its operation and authenticates it.</summary>
    /// <param name="protocol">The emulator's protocol (its traffic and its authenticator hook).</param>
    /// <param name="call">The call.</param>
    /// <param name="targetPrefix">The service's target prefix, for example <c>secretsmanager.</c>.</param>
    /// <param name="rootPathOnly">Whether the service answers only <c>POST /</c> (SQS also takes queue URL paths).</param>
    /// <param name="requireSignature">Whether SigV4 is verified.</param>
    /// <param name="verifier">The service's verifier.</param>
    /// <param name="defaultPrincipal">Who a valid signature with the emulator's own key is.</param>
    /// <param name="accountId">The account of the fixed user when signatures are off.</param>
    /// <returns>The caller.</returns>
    public static async Task<EmulatorPrincipal> AuthenticateAsync(
        EmulatorProtocol protocol,
        EmulatorCall call,
        string targetPrefix,
        bool rootPathOnly,
        bool requireSignature,
        AwsSigV4Verifier verifier,
        Func<EmulatorCredential, EmulatorPrincipal?> defaultPrincipal,
        string accountId)
    {
        if (!HttpMethods.IsPost(call.Method) || (rootPathOnly && call.Path != "/"))
        {
            throw new AwsEmulatorException("UnknownOperationException", $"Requests must be POST{(rootPathOnly ? " /" : string.Empty)} with an X-Amz-Target header.", HttpStatusCode.NotFound);
        }

        var target = call.Header("X-Amz-Target");
        if (!target.StartsWith(targetPrefix, StringComparison.Ordinal))
        {
            throw new AwsEmulatorException("UnknownOperationException", $"Unknown target '{target}'.");
        }

        protocol.Traffic.CountOperation(target[targetPrefix.Length..]);
        var body = await call.ReadBodyAsync().ConfigureAwait(false);
        return requireSignature
            ? verifier.Verify(call.Request, body, credential => protocol.Authenticate(credential, defaultPrincipal))
            : new EmulatorPrincipal($"arn:aws:iam::{accountId}:user/emulator");
    }
}
