using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process 1Password Connect server on <c>http://127.0.0.1</c> speaking the Connect REST API the official SDKs use:
/// <c>GET /v1/vaults</c> (with <c>filter=name eq "..."</c> or <c>title eq "..."</c>), <c>/v1/vaults/{id}</c>,
/// <c>/v1/vaults/{id}/items</c> (with <c>filter=title eq "..."</c> / <c>title co "..."</c>), <c>/v1/vaults/{id}/items/{id}</c>,
/// <c>.../files</c>, <c>.../files/{id}</c> and <c>.../files/{id}/content</c>; bearer-token auth (401 for a bad token),
/// 404 and 400 errors shaped <c>{"status":..,"message":".."}</c>, item versions that grow on every change, and fault knobs.
/// Connect does not page. Point <c>OP_CONNECT_HOST</c> at <see cref="Address"/> and <c>OP_CONNECT_TOKEN</c> at <see cref="Token"/>.
/// </summary>
public sealed class OnePasswordConnectEmulator : IAsyncDisposable
{
    private readonly Lock _sync = new();
    private readonly List<VaultState> _vaults = [];
    private LoopbackServer? _server;
    private long _requests;

    private OnePasswordConnectEmulator(string token) => Token = token;

    /// <summary>Gets the address (what <c>OP_CONNECT_HOST</c> holds).</summary>
    public Uri Address => _server!.Endpoint;

    /// <summary>Gets the token the emulator accepts (what <c>OP_CONNECT_TOKEN</c> holds).</summary>
    public string Token { get; }

    /// <summary>Gets the fault knobs: latency, throttling (429), 500 and dropped connections.</summary>
    public EmulatorFaults Faults { get; } = new();

    /// <summary>Gets how many requests the emulator has answered.</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Starts an emulator.</summary>
    /// <param name="token">The token to accept, or <see langword="null"/> for a random one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<OnePasswordConnectEmulator> StartAsync(string? token = null, CancellationToken cancellationToken = default)
    {
        var emulator = new OnePasswordConnectEmulator(token ?? "connect-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        emulator._server = await LoopbackServer.StartAsync(emulator.HandleAsync, cancellationToken: cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>Creates a vault (or returns the one with that name) and returns its id.</summary>
    /// <param name="name">The vault's name.</param>
    /// <returns>The vault's 26-character id.</returns>
    public string AddVault(string name)
    {
        lock (_sync)
        {
            var vault = _vaults.FirstOrDefault(v => v.Name == name);
            if (vault is null)
            {
                vault = new VaultState(NewId(), name);
                _vaults.Add(vault);
            }

            return vault.Id;
        }
    }

    /// <summary>Creates or replaces an item (by title) in a vault, creating the vault if needed; a replacement gets the next version.</summary>
    /// <param name="vault">The vault's name.</param>
    /// <param name="title">The item's title.</param>
    /// <param name="fields">The item's fields.</param>
    /// <param name="files">The item's files, if any.</param>
    /// <returns>The item's 26-character id.</returns>
    public string SetItem(string vault, string title, IReadOnlyList<OnePasswordEmulatedField> fields, IReadOnlyList<OnePasswordEmulatedFile>? files = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        AddVault(vault);
        lock (_sync)
        {
            var state = _vaults.First(v => v.Name == vault);
            var existing = state.Items.FirstOrDefault(i => i.Title == title);
            var item = new ItemState(existing?.Id ?? NewId(), title, (existing?.Version ?? 0) + 1, DateTimeOffset.UtcNow, [.. fields], [.. (files ?? []).Select(f => (NewId(), f))]);
            if (existing is not null)
            {
                state.Items.Remove(existing);
            }

            state.Items.Add(item);
            return item.Id;
        }
    }

    /// <summary>Deletes an item.</summary>
    /// <param name="vault">The vault's name.</param>
    /// <param name="title">The item's title.</param>
    /// <returns>Whether it existed.</returns>
    public bool DeleteItem(string vault, string title)
    {
        lock (_sync)
        {
            return _vaults.FirstOrDefault(v => v.Name == vault)?.Items.RemoveAll(i => i.Title == title) > 0;
        }
    }

    /// <summary>Stops the emulator.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string NewId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(26, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        await Faults.DelayAsync(cancellationToken: context.RequestAborted).ConfigureAwait(false);
        switch (Faults.Next())
        {
            case EmulatorFault.DropConnection:
                context.Abort();
                return;
            case EmulatorFault.Throttle:
                if (Faults.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await ErrorAsync(context, 429, "Too many requests").ConfigureAwait(false);
                return;
            case EmulatorFault.ServerError:
                await ErrorAsync(context, 500, "Internal server error").ConfigureAwait(false);
                return;
        }

        var path = context.Request.Path.Value ?? "/";
        if (path is "/heartbeat")
        {
            await context.Response.WriteAsync(".", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(authorization["Bearer ".Length..]), System.Text.Encoding.UTF8.GetBytes(Token)))
        {
            await ErrorAsync(context, 401, "Invalid token signature").ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await ErrorAsync(context, 405, "Method not allowed").ConfigureAwait(false);
            return;
        }

        var segments = path.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "v1" || segments[1] != "vaults")
        {
            await ErrorAsync(context, 404, "Not found").ConfigureAwait(false);
            return;
        }

        byte[]? body;
        int status;
        lock (_sync)
        {
            (status, body) = OnePasswordConnectResponses.Answer(_vaults, segments[2..], context.Request.Query["filter"].ToString());
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = status == 200 && segments[^1] == "content" ? "application/octet-stream" : "application/json";
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status, message }), context.RequestAborted);
    }

    internal sealed record VaultState(string Id, string Name)
    {
        public List<ItemState> Items { get; } = [];
    }

    internal sealed record ItemState(string Id, string Title, long Version, DateTimeOffset UpdatedAt, List<OnePasswordEmulatedField> Fields, List<(string Id, OnePasswordEmulatedFile File)> Files);
}
