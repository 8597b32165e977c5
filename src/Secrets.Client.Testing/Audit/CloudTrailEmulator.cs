namespace Secrets.Client.Testing;

/// <summary>
/// A loopback AWS CloudTrail that answers <c>LookupEvents</c> (JSON 1.1, SigV4-verified, <c>NextToken</c> paging,
/// newest first) with management events in CloudTrail's documented shape, made from the calls a
/// <see cref="AwsSecretsManagerEmulator"/> answered (share one <see cref="EmulatorAccessLog"/>).
/// </summary>
public sealed class CloudTrailEmulator : IAsyncDisposable
{
    private readonly CloudTrailEmulatorOptions _options;
    private readonly CloudTrailProtocol _protocol;
    private LoopbackServer? _server;

    private CloudTrailEmulator(CloudTrailEmulatorOptions options)
    {
        _options = options;
        _protocol = new CloudTrailProtocol(options);
    }

    /// <summary>Gets the endpoint to send requests to.</summary>
    public Uri Endpoint => (_server ?? throw new InvalidOperationException("The emulator is not started.")).Endpoint;

    /// <summary>Gets the region.</summary>
    public string Region => _options.Region;

    /// <summary>Gets the accepted access key id.</summary>
    public string AccessKeyId => _options.AccessKeyId;

    /// <summary>Gets the accepted secret access key.</summary>
    public string SecretAccessKey => _options.SecretAccessKey;

    /// <summary>Gets the emulator's traffic counters.</summary>
    public EmulatorTraffic Traffic => _protocol.Traffic;

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<CloudTrailEmulator> StartAsync(CloudTrailEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CloudTrailEmulatorOptions();
        options.Validate();
        ArgumentNullException.ThrowIfNull(options.Source, nameof(options.Source));
        var emulator = new CloudTrailEmulator(options);
        emulator._server = await LoopbackServer.StartAsync(emulator._protocol.HandleAsync, useHttps: false, options.Port, cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => _server is null ? "CloudTrailEmulator (stopped)" : $"CloudTrailEmulator {Endpoint} ({Region})";
}
