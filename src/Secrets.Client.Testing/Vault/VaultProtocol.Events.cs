namespace Secrets.Client.Testing;

/// <summary>
/// <c>GET /v1/sys/events/subscribe/{pattern}?json=true</c>: Vault Enterprise's event subscription, a websocket that
/// receives every matching event in CloudEvents JSON. With <see cref="HashiCorpVaultEmulatorOptions.EventsEnabled"/>
/// off the route answers 404, as Community Vault does.
/// </summary>
internal sealed partial class VaultProtocol
{
    public VaultEventBus Events => _state.Events!;

    private async Task SubscribeAsync(EmulatorCall call, string pattern)
    {
        if (!_options.EventsEnabled)
        {
            throw Error(404, "unsupported path");
        }

        if (call.Query("json") is { Length: > 0 } json && !bool.TryParse(json, out _))
        {
            throw Error(400, $"invalid parameter for JSON: {json}");
        }

        if (call.Query("json") is not ("true" or "True" or "1"))
        {
            // The protobuf framing is not emulated: the adapter asks for JSON.
            throw Error(400, "the emulator serves events as JSON only (json=true)");
        }

        if (!call.Context.WebSockets.IsWebSocketRequest)
        {
            throw Error(400, "could not accept as websocket");
        }

        Traffic.CountOperation(HashiCorpVaultEmulatorCounters.SubscribeOperation);
        await Events.ServeAsync(() => call.Context.WebSockets.AcceptWebSocketAsync(), pattern, call.Aborted).ConfigureAwait(false);
    }
}
