namespace Secrets.Client.Testing;

/// <summary>
/// A loopback AWS CloudTrail that answers <c>LookupEvents</c> (JSON 1.1, SigV4-verified, <c>NextToken</c> paging,
/// newest first) with management events in CloudTrail's documented shape, made from the calls a
/// <see cref="AwsSecretsManagerEmulator"/> answered (share one <see cref="EmulatorAccessLog"/>).
/// </summary>
public sealed class CloudTrailEmulator : AwsEmulator
{
    private CloudTrailEmulator(CloudTrailEmulatorOptions options)
        : base(new CloudTrailProtocol(options), options)
    {
    }

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static Task<CloudTrailEmulator> StartAsync(CloudTrailEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CloudTrailEmulatorOptions();
        options.Validate();
        ArgumentNullException.ThrowIfNull(options.Source, nameof(options.Source));
        return ListenAsync(new CloudTrailEmulator(options), options, useHttps: false, cancellationToken);
    }
}
