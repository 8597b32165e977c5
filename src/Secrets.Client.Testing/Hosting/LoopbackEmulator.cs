using System.Security.Cryptography.X509Certificates;

namespace Secrets.Client.Testing;

/// <summary>
/// What every emulator of a cloud service shares: one <see cref="LoopbackServer"/> on 127.0.0.1 answering the service's
/// wire protocol, its <see cref="Faults"/> and <see cref="Traffic"/>, a handler that trusts it, and a stop. Each
/// emulator (<see cref="AwsSecretsManagerEmulator"/>, <see cref="AzureKeyVaultEmulator"/>, <see cref="SqsEmulator"/>,
/// ...) derives from it and adds its service's credentials and seeding helpers. All members are thread-safe.
/// </summary>
public abstract class LoopbackEmulator : IAsyncDisposable
{
    private readonly EmulatorProtocol _protocol;
    private LoopbackServer? _server;

    private protected LoopbackEmulator(EmulatorProtocol protocol) => _protocol = protocol;

    /// <summary>Gets the base address, for example <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri Endpoint => Server.Endpoint;

    /// <summary>Gets the self-signed certificate when the emulator serves HTTPS (trust exactly this one); otherwise <see langword="null"/>.</summary>
    public virtual X509Certificate2? Certificate => Server.Certificate;

    /// <summary>Gets the fault knobs: latency, throttling (with <c>Retry-After</c>), server errors and dropped connections.</summary>
    public EmulatorFaults Faults => _protocol.Faults;

    /// <summary>Gets every request, counts per operation, and the principals requests came from.</summary>
    public EmulatorTraffic Traffic => _protocol.Traffic;

    /// <summary>Gets what the emulator serves, for <see cref="ToString"/> (a region, a project); <see langword="null"/> for nothing.</summary>
    private protected virtual string? Scope => null;

    private LoopbackServer Server => _server ?? throw new InvalidOperationException($"The {GetType().Name} is not started.");

    /// <summary>Creates an <see cref="HttpMessageHandler"/> that trusts exactly this emulator's certificate (or plain HTTP).</summary>
    /// <returns>A handler for <see cref="HttpClient"/> or an SDK transport.</returns>
    public HttpMessageHandler CreateHandler() => Server.CreateHandler();

    /// <summary>Stops the emulator.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var name = GetType().Name;
        if (_server is null)
        {
            return name + " (stopped)";
        }

        return Scope is { } scope ? $"{name} {Endpoint} ({scope})" : $"{name} {Endpoint}";
    }

    /// <summary>Starts serving <paramref name="emulator"/>'s protocol on a loopback port; on failure it is disposed.</summary>
    private protected static async Task<TEmulator> ListenAsync<TEmulator>(TEmulator emulator, EmulatorOptions options, bool useHttps, CancellationToken cancellationToken)
        where TEmulator : LoopbackEmulator
    {
        try
        {
            emulator._server = await LoopbackServer.StartAsync(emulator._protocol.HandleAsync, useHttps, options.Port, cancellationToken).ConfigureAwait(false);
            emulator.OnStarted(emulator._server.Endpoint);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a seeding helper's change, reporting the service's error as <see cref="InvalidOperationException"/>.</summary>
    private protected static T Seed<T>(Func<T> change)
    {
        try
        {
            return change();
        }
        catch (EmulatorException ex)
        {
            throw new InvalidOperationException($"{ex.Code}: {ex.Message}", ex);
        }
    }

    /// <summary>Runs once the server listens, before the emulator is handed out: for parts that need the endpoint.</summary>
    private protected virtual void OnStarted(Uri endpoint)
    {
    }

    /// <summary>Stops the server; override to release the emulator's own parts too (and call the base).</summary>
    private protected virtual async ValueTask DisposeAsyncCore()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
