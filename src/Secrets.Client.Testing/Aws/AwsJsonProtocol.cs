using System.Net;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// The front door every AWS JSON-protocol emulator shares (Secrets Manager, SQS, CloudTrail): answers in
/// <c>application/x-amz-json-{version}</c> with an <c>x-amzn-RequestId</c>, requests <c>POST</c>ed with an
/// <c>X-Amz-Target: {prefix}{Operation}</c> header, the operation counted, then SigV4 verified over the body for the
/// service's signing name (or, with signatures off, a fixed emulator user of the account).
/// </summary>
internal abstract class AwsJsonProtocol : EmulatorProtocol
{
    private readonly AwsEmulatorOptions _options;
    private readonly AwsSigV4Verifier _verifier;
    private readonly string[] _targetPrefixes;

    /// <summary>Initializes the front door of one AWS service.</summary>
    /// <param name="options">The emulator's settings: region, account and test credential.</param>
    /// <param name="signingName">The SigV4 signing name, for example <c>secretsmanager</c>.</param>
    /// <param name="jsonVersion">The AWS JSON protocol version, <c>1.0</c> or <c>1.1</c>.</param>
    /// <param name="targetPrefixes">The <c>X-Amz-Target</c> prefixes, for example <c>secretsmanager.</c> (some services take a long and a short one).</param>
    protected AwsJsonProtocol(AwsEmulatorOptions options, string signingName, string jsonVersion, params string[] targetPrefixes)
        : base(options)
    {
        _options = options;
        _verifier = new AwsSigV4Verifier(signingName, options);
        _targetPrefixes = targetPrefixes;
        ContentType = "application/x-amz-json-" + jsonVersion;
    }

    public sealed override string ContentType { get; }

    /// <summary>Gets the operation a call names in <c>X-Amz-Target</c>, or <see langword="null"/> when it names none of this service's.</summary>
    protected string? OperationOf(EmulatorCall call)
    {
        var target = call.Header("X-Amz-Target");
        return _targetPrefixes.FirstOrDefault(prefix => target.StartsWith(prefix, StringComparison.Ordinal)) is { } prefix ? target[prefix.Length..] : null;
    }

    protected override void OnRequestStarted(EmulatorCall call) =>
        call.Context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();

    /// <summary>Checks the call's shape, counts its operation and authenticates it.</summary>
    /// <param name="call">The call.</param>
    /// <param name="rootPathOnly">Whether the service answers only <c>POST /</c> (SQS also takes queue URL paths).</param>
    /// <param name="requireSignature">Whether SigV4 is verified.</param>
    /// <returns>The caller.</returns>
    protected async Task<EmulatorPrincipal> AuthenticateJsonCallAsync(EmulatorCall call, bool rootPathOnly, bool requireSignature)
    {
        if (!HttpMethods.IsPost(call.Method) || (rootPathOnly && call.Path != "/"))
        {
            throw new AwsEmulatorException("UnknownOperationException", $"Requests must be POST{(rootPathOnly ? " /" : string.Empty)} with an X-Amz-Target header.", HttpStatusCode.NotFound);
        }

        var operation = OperationOf(call) ?? throw new AwsEmulatorException("UnknownOperationException", $"Unknown target '{call.Header("X-Amz-Target")}'.");
        Traffic.CountOperation(operation);
        var body = await call.ReadBodyAsync().ConfigureAwait(false);
        return requireSignature
            ? _verifier.Verify(call.Request, body, credential => Authenticate(credential, DefaultPrincipal))
            : EmulatorUser;
    }

    /// <summary>Who a request signed with the emulator's own access key is, when no authenticator is set; null refuses it.</summary>
    protected virtual EmulatorPrincipal? DefaultPrincipal(EmulatorCredential credential) =>
        credential.Value == _options.AccessKeyId ? new EmulatorPrincipal(EmulatorUser.Name, _options.SecretAccessKey) : null;

    /// <summary>Gets the IAM user name of the emulator's own access key (and of unsigned calls).</summary>
    protected virtual string UserName => "emulator";

    private EmulatorPrincipal EmulatorUser => new($"arn:aws:iam::{_options.AccountId}:user/{UserName}");
}
