namespace Secrets.Client.Testing;

/// <summary>
/// A loopback Cloud Logging API answering <c>POST /v2/entries:list</c> (filter, <c>orderBy</c>, <c>pageToken</c>) with
/// Cloud Audit Logs Data Access entries (<c>protoPayload</c> of type <c>google.cloud.audit.AuditLog</c>) made from the
/// <c>AccessSecretVersion</c> calls a <see cref="GcpSecretManagerEmulator"/> answered (share one <see cref="EmulatorAccessLog"/>).
/// </summary>
public sealed class CloudLoggingEmulator : IAsyncDisposable
{
    private readonly CloudLoggingEmulatorOptions _options;
    private readonly CloudLoggingProtocol _protocol;
    private LoopbackServer? _server;

    private CloudLoggingEmulator(CloudLoggingEmulatorOptions options)
    {
        _options = options;
        _protocol = new CloudLoggingProtocol(options);
    }

    /// <summary>Gets the endpoint (the API root, as <c>https://logging.googleapis.com/</c> is).</summary>
    public Uri Endpoint => (_server ?? throw new InvalidOperationException("The emulator is not started.")).Endpoint;

    /// <summary>Gets the bearer token accepted.</summary>
    public string AccessToken => _options.AccessToken;

    /// <summary>Gets the project.</summary>
    public string ProjectId => _options.ProjectId;

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<CloudLoggingEmulator> StartAsync(CloudLoggingEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CloudLoggingEmulatorOptions();
        options.Validate();
        var emulator = new CloudLoggingEmulator(options);
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
    public override string ToString() => _server is null ? "CloudLoggingEmulator (stopped)" : $"CloudLoggingEmulator {Endpoint} ({ProjectId})";
}
