using Microsoft.Extensions.Logging;
using Secrets.Client.Testing;

namespace Secrets.Client.Gcp.Tests;

/// <summary>An emulated Secret Manager plus the wiring every test needs to point our provider at it.</summary>
internal sealed class GcpHarness : IAsyncDisposable
{
    private GcpHarness(GcpSecretManagerEmulator emulator) => Emulator = emulator;

    public GcpSecretManagerEmulator Emulator { get; }

    public static async Task<GcpHarness> StartAsync(GcpSecretManagerEmulatorOptions? options = null) =>
        new(await GcpSecretManagerEmulator.StartAsync(options));

    public GcpSecretManagerSecretProviderOptions CreateOptions(Action<GcpSecretManagerSecretProviderOptions>? configure = null)
    {
        var token = Emulator.TestToken;
        var options = new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = Emulator.Endpoint,
            DefaultProject = Emulator.ProjectId,
            AccessTokenProvider = _ => new ValueTask<string>(token),
            HttpHandler = Emulator.CreateHandler(),
            Environment = "Development",
        };
        configure?.Invoke(options);
        return options;
    }

    public GcpSecretManagerSecretProvider CreateProvider(Action<GcpSecretManagerSecretProviderOptions>? configure = null, ILoggerFactory? loggerFactory = null) =>
        new(CreateOptions(configure), loggerFactory);

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
