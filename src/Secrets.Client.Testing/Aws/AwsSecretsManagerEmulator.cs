namespace Secrets.Client.Testing;

/// <summary>
/// An in-process AWS Secrets Manager on a loopback port: the AWS JSON 1.1 protocol (<c>POST /</c>,
/// <c>X-Amz-Target: secretsmanager.*</c>) with SigV4 verification, version ids and staging labels with AWS's semantics,
/// pagination, the local agent endpoint, and fault knobs. Point any client at <see cref="LoopbackEmulator.Endpoint"/> with
/// <see cref="AwsEmulator.AccessKeyId"/>, <see cref="AwsEmulator.SecretAccessKey"/> and <see cref="AwsEmulator.Region"/>.
/// </summary>
/// <remarks>
/// Operations: CreateSecret, PutSecretValue, GetSecretValue, BatchGetSecretValue, DescribeSecret, ListSecretVersionIds,
/// ListSecrets, RotateSecret (completes a rotation at once with <see cref="AwsSecretsManagerEmulatorOptions.Rotator"/>)
/// and DeleteSecret. All members are thread-safe.
/// </remarks>
public sealed class AwsSecretsManagerEmulator : AwsEmulator
{
    private readonly AwsSecretsManagerEmulatorOptions _options;
    private readonly AwsEmulatorBackend _backend;

    private AwsSecretsManagerEmulator(AwsSecretsManagerEmulatorOptions options, AwsEmulatorBackend backend)
        : base(new AwsSecretsManagerProtocol(options, backend), options)
    {
        _options = options;
        _backend = backend;
    }

    /// <summary>Gets the session token requests must carry, if any.</summary>
    public string? SessionToken => _options.SessionToken;

    /// <summary>Gets the token the local agent endpoint requires in <c>X-Aws-Parameters-Secrets-Token</c>.</summary>
    public string AgentToken => _options.AgentToken;

    /// <summary>Gets how many HTTP requests reached the emulator, whatever their outcome.</summary>
    public long RequestCount => Traffic.Requests;

    /// <summary>Gets how many secrets exist (including those scheduled for deletion).</summary>
    public int SecretCount => _backend.Count;

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    public static Task<AwsSecretsManagerEmulator> StartAsync(AwsSecretsManagerEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AwsSecretsManagerEmulatorOptions();
        options.Validate();
        return ListenAsync(new AwsSecretsManagerEmulator(options, new AwsEmulatorBackend(options)), options, options.UseHttps, cancellationToken);
    }

    /// <summary>Gets how many requests named <paramref name="operation"/> (for example <c>GetSecretValue</c>) reached the emulator.</summary>
    /// <param name="operation">The operation name, without the <c>secretsmanager.</c> prefix.</param>
    /// <returns>The count.</returns>
    public long GetRequestCount(string operation) => Traffic.Count(operation);

    /// <summary>Sets every request counter back to zero.</summary>
    public void ResetRequestCounts() => Traffic.Reset();

    /// <summary>Creates a secret holding text, its first version staged <c>AWSCURRENT</c>.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="description">An optional description.</param>
    /// <returns>The new secret's ARN.</returns>
    public string CreateSecret(string name, string value, string? description = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return Seed(() => _backend.Create(name, value, null, description).Arn);
    }

    /// <summary>Creates a secret holding bytes (<c>SecretBinary</c>), its first version staged <c>AWSCURRENT</c>.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new secret's ARN.</returns>
    public string CreateSecret(string name, byte[] value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return Seed(() => _backend.Create(name, null, value).Arn);
    }

    /// <summary>Stores a new text version, by default staged <c>AWSCURRENT</c> (which moves the old current to <c>AWSPREVIOUS</c>).</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="value">The value.</param>
    /// <param name="stages">The staging labels to attach; none means <c>AWSCURRENT</c>.</param>
    /// <returns>The new version id.</returns>
    public string PutSecretValue(string secretId, string value, params string[] stages)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        ArgumentNullException.ThrowIfNull(value);
        return Seed(() => _backend.Put(secretId, value, null, stages));
    }

    /// <summary>Stores a new binary version, by default staged <c>AWSCURRENT</c>.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="value">The value.</param>
    /// <param name="stages">The staging labels to attach; none means <c>AWSCURRENT</c>.</param>
    /// <returns>The new version id.</returns>
    public string PutSecretValue(string secretId, byte[] value, params string[] stages)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        ArgumentNullException.ThrowIfNull(value);
        return Seed(() => _backend.Put(secretId, null, value, stages));
    }

    /// <summary>Gets the id of the version carrying a staging label.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="stage">The label, for example <c>AWSCURRENT</c>.</param>
    /// <returns>The version id, or <see langword="null"/> when no version carries the label.</returns>
    public string? GetVersionId(string secretId, string stage = "AWSCURRENT") => Seed(() => _backend.VersionIdOf(secretId, stage));

    /// <summary>Schedules a secret for deletion (reads then fail with <c>InvalidRequestException</c>), or removes it at once.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="force">Remove it now instead of scheduling.</param>
    public void DeleteSecret(string secretId, bool force = false) => Seed<object?>(() =>
    {
        _backend.ScheduleDeletion(secretId, force);
        return null;
    });

    /// <summary>Adds or replaces tags on a secret, as <c>TagResource</c> does.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="tags">The tags.</param>
    public void TagSecret(string secretId, IReadOnlyDictionary<string, string> tags)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        ArgumentNullException.ThrowIfNull(tags);
        Seed<object?>(() =>
        {
            _backend.Tag(secretId, tags);
            return null;
        });
    }
}
