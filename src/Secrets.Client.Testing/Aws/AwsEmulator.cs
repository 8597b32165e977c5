namespace Secrets.Client.Testing;

/// <summary>
/// What every AWS service emulator adds to a <see cref="LoopbackEmulator"/> (<see cref="AwsSecretsManagerEmulator"/>,
/// <see cref="SqsEmulator"/>, <see cref="CloudTrailEmulator"/>): the region and account it plays and the test credential
/// to sign with. Point an AWS client at <see cref="LoopbackEmulator.Endpoint"/> with <see cref="AccessKeyId"/>,
/// <see cref="SecretAccessKey"/> and <see cref="Region"/>.
/// </summary>
public abstract class AwsEmulator : LoopbackEmulator
{
    private readonly AwsEmulatorOptions _options;

    private protected AwsEmulator(EmulatorProtocol protocol, AwsEmulatorOptions options)
        : base(protocol) => _options = options;

    /// <summary>Gets the region the emulator serves.</summary>
    public string Region => _options.Region;

    /// <summary>Gets the account id in ARNs, queue URLs and records.</summary>
    public string AccountId => _options.AccountId;

    /// <summary>Gets the access key id the emulator accepts.</summary>
    public string AccessKeyId => _options.AccessKeyId;

    /// <summary>Gets the secret access key the emulator verifies signatures with (a test value, not a real credential).</summary>
    public string SecretAccessKey => _options.SecretAccessKey;

    private protected override string Scope => Region;
}
