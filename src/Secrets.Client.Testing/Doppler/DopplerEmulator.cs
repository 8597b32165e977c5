using System.Security.Cryptography;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process Doppler API (v3) on <c>http://127.0.0.1</c>, speaking what the official SDKs and the Doppler CLI use:
/// <c>GET /v3/configs/config/secrets/download</c> (JSON, with an <c>ETag</c> and 304 for <c>If-None-Match</c>),
/// <c>/v3/configs/config/secrets</c>, <c>/v3/configs/config/secret</c>, <c>/v3/configs/config</c>, and the paged
/// <c>/v3/projects</c> and <c>/v3/configs</c> (<c>page</c>, <c>per_page</c>); bearer tokens: service tokens scoped to one
/// config (project and config then optional) and one personal token that sees everything; errors shaped
/// <c>{"messages":[".."],"success":false}</c>; the <see cref="LoopbackEmulator"/> fault knobs and traffic. Point the SDK or
/// CLI's API host at <see cref="Address"/>.
/// </summary>
public sealed class DopplerEmulator : LoopbackEmulator
{
    private readonly DopplerProtocol _protocol;

    private DopplerEmulator(DopplerProtocol protocol)
        : base(protocol) => _protocol = protocol;

    /// <summary>Gets the address (the API host): the <see cref="LoopbackEmulator.Endpoint"/>.</summary>
    public Uri Address => Endpoint;

    /// <summary>Gets the personal token, which may read every project and config.</summary>
    public string PersonalToken => _protocol.PersonalToken;

    /// <summary>Gets how many full downloads (200, not 304) the emulator has served.</summary>
    public long DownloadCount => _protocol.Downloads;

    /// <summary>Starts an emulator.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static Task<DopplerEmulator> StartAsync(CancellationToken cancellationToken = default)
    {
        var protocol = new DopplerProtocol("dp.pt." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)));
        return ListenAsync(new DopplerEmulator(protocol), protocol.Options, useHttps: false, cancellationToken);
    }

    /// <summary>Sets a secret in a config, creating the project and config as needed.</summary>
    /// <param name="project">The project.</param>
    /// <param name="config">The config (for example <c>dev</c>).</param>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value.</param>
    public void SetSecret(string project, string config, string name, string value) =>
        _protocol.Change(configOf => configOf(project, config)[name] = value);

    /// <summary>Deletes a secret.</summary>
    /// <param name="project">The project.</param>
    /// <param name="config">The config.</param>
    /// <param name="name">The secret's name.</param>
    /// <returns>Whether it existed.</returns>
    public bool DeleteSecret(string project, string config, string name)
    {
        var existed = false;
        _protocol.Change(configOf => existed = configOf(project, config).Remove(name));
        return existed;
    }

    /// <summary>Creates an (empty) config.</summary>
    /// <param name="project">The project.</param>
    /// <param name="config">The config.</param>
    public void AddConfig(string project, string config) => _protocol.Change(configOf => configOf(project, config));

    /// <summary>Issues a service token that reads one config.</summary>
    /// <param name="project">The project.</param>
    /// <param name="config">The config.</param>
    /// <returns>The token (<c>dp.st.</c>...).</returns>
    public string CreateServiceToken(string project, string config) => _protocol.IssueServiceToken(project, config);
}
