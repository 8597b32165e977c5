namespace Secrets.Client.Testing;

/// <summary>
/// A loopback Cloud Logging API answering <c>POST /v2/entries:list</c> (filter, <c>orderBy</c>, <c>pageToken</c>) with
/// Cloud Audit Logs Data Access entries (<c>protoPayload</c> of type <c>google.cloud.audit.AuditLog</c>) made from the
/// <c>AccessSecretVersion</c> calls a <see cref="GcpSecretManagerEmulator"/> answered (share one <see cref="EmulatorAccessLog"/>).
/// Its <see cref="LoopbackEmulator.Endpoint"/> is the API root, as <c>https://logging.googleapis.com/</c> is.
/// </summary>
public sealed class CloudLoggingEmulator : LoopbackEmulator
{
    private readonly CloudLoggingEmulatorOptions _options;

    private CloudLoggingEmulator(CloudLoggingEmulatorOptions options)
        : base(new CloudLoggingProtocol(options)) => _options = options;

    /// <summary>Gets the bearer token accepted.</summary>
    public string AccessToken => _options.AccessToken;

    /// <summary>Gets the project.</summary>
    public string ProjectId => _options.ProjectId;

    private protected override string Scope => "project " + ProjectId;

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static Task<CloudLoggingEmulator> StartAsync(CloudLoggingEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CloudLoggingEmulatorOptions();
        options.Validate();
        return ListenAsync(new CloudLoggingEmulator(options), options, useHttps: false, cancellationToken);
    }
}
