using System.Security.Cryptography;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process 1Password Connect server on <c>http://127.0.0.1</c> speaking the Connect REST API the official SDKs use:
/// <c>GET /v1/vaults</c> (with <c>filter=name eq "..."</c> or <c>title eq "..."</c>), <c>/v1/vaults/{id}</c>,
/// <c>/v1/vaults/{id}/items</c> (with <c>filter=title eq "..."</c> / <c>title co "..."</c>), <c>/v1/vaults/{id}/items/{id}</c>,
/// <c>.../files</c>, <c>.../files/{id}</c> and <c>.../files/{id}/content</c>; bearer-token auth (401 for a bad token),
/// 404 and 400 errors shaped <c>{"status":..,"message":".."}</c>, item versions that grow on every change, and the <see cref="LoopbackEmulator"/> fault knobs and traffic.
/// Connect does not page. Point <c>OP_CONNECT_HOST</c> at <see cref="Address"/> and <c>OP_CONNECT_TOKEN</c> at <see cref="Token"/>.
/// </summary>
public sealed class OnePasswordConnectEmulator : LoopbackEmulator
{
    private readonly OnePasswordConnectProtocol _protocol;

    private OnePasswordConnectEmulator(OnePasswordConnectProtocol protocol)
        : base(protocol) => _protocol = protocol;

    /// <summary>Gets the address (what <c>OP_CONNECT_HOST</c> holds): the <see cref="LoopbackEmulator.Endpoint"/>.</summary>
    public Uri Address => Endpoint;

    /// <summary>Gets the token the emulator accepts (what <c>OP_CONNECT_TOKEN</c> holds).</summary>
    public string Token => _protocol.Token;

    /// <summary>Gets how many requests the emulator has answered (<see cref="EmulatorTraffic.Requests"/>).</summary>
    public long RequestCount => Traffic.Requests;

    private Lock Sync => _protocol.Sync;

    private List<VaultState> Vaults => _protocol.Vaults;

    /// <summary>Starts an emulator.</summary>
    /// <param name="token">The token to accept, or <see langword="null"/> for a random one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static Task<OnePasswordConnectEmulator> StartAsync(string? token = null, CancellationToken cancellationToken = default)
    {
        var protocol = new OnePasswordConnectProtocol(token ?? "connect-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        return ListenAsync(new OnePasswordConnectEmulator(protocol), protocol.Options, useHttps: false, cancellationToken);
    }

    /// <summary>Creates a vault (or returns the one with that name) and returns its id.</summary>
    /// <param name="name">The vault's name.</param>
    /// <returns>The vault's 26-character id.</returns>
    public string AddVault(string name)
    {
        lock (Sync)
        {
            var vault = Vaults.FirstOrDefault(v => v.Name == name);
            if (vault is null)
            {
                vault = new VaultState(NewId(), name);
                Vaults.Add(vault);
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
        lock (Sync)
        {
            var state = Vaults.First(v => v.Name == vault);
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
        lock (Sync)
        {
            return Vaults.FirstOrDefault(v => v.Name == vault)?.Items.RemoveAll(i => i.Title == title) > 0;
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

    internal sealed record VaultState(string Id, string Name)
    {
        public List<ItemState> Items { get; } = [];
    }

    internal sealed record ItemState(string Id, string Title, long Version, DateTimeOffset UpdatedAt, List<OnePasswordEmulatedField> Fields, List<(string Id, OnePasswordEmulatedFile File)> Files);
}
