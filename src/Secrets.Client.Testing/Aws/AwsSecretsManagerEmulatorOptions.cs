namespace Secrets.Client.Testing;

/// <summary>Settings for an <see cref="AwsSecretsManagerEmulator"/>.</summary>
public sealed class AwsSecretsManagerEmulatorOptions : AwsEmulatorOptions
{
    /// <summary>
    /// Gets or sets the session token requests must carry (<c>X-Amz-Security-Token</c>), to emulate temporary credentials;
    /// <see langword="null"/> (the default) accepts requests without one.
    /// </summary>
    public string? SessionToken { get; set; }

    /// <summary>Gets or sets a value indicating whether SigV4 signatures are verified. Default <see langword="true"/>.</summary>
    public bool RequireSignature { get; set; } = true;

    /// <summary>
    /// Gets or sets the token the local agent endpoint (<c>GET /secretsmanager/get</c>, as served by the AWS Secrets Manager
    /// Agent and the Lambda extension) requires in <c>X-Aws-Parameters-Secrets-Token</c>. Default <c>emulator-agent-token</c>.
    /// </summary>
    public string AgentToken { get; set; } = "emulator-agent-token";

    /// <summary>Gets or sets a value indicating whether to serve HTTPS with a certificate generated at start. Default <see langword="false"/>.</summary>
    public bool UseHttps { get; set; }

    /// <summary>
    /// Gets or sets how <c>RotateSecret</c> produces the next value from the current one (name, current text or
    /// <see langword="null"/> for a binary secret). The default generates 32 random letters and digits.
    /// </summary>
    public Func<string, string?, string>? Rotator { get; set; }

    /// <summary>
    /// Gets or sets where the emulator sends the EventBridge event (the CloudTrail record as EventBridge delivers it, as
    /// JSON text) of every change made through it: CreateSecret, PutSecretValue, RotateSecret (and its
    /// RotationSucceeded), UpdateSecret, UpdateSecretVersionStage, DeleteSecret and RestoreSecret. Called after the
    /// change, outside the emulator's lock; for example <c>json =&gt; sqs.Publish("secrets-changes", json)</c>.
    /// <see langword="null"/> (the default) emits nothing.
    /// </summary>
    public Action<string>? ChangeEvents { get; set; }
}
