using System.Globalization;
using System.Text.Json;
using static Secrets.Client.Testing.GcpSecretManagerWire;

namespace Secrets.Client.Testing;

/// <summary>
/// The version operations: <c>:addVersion</c> (with its CRC32C check), listing versions, <c>:enable</c>,
/// <c>:disable</c>, <c>:destroy</c>, and <c>:access</c> (the payload, with its checksum).
/// </summary>
internal sealed partial class GcpSecretManagerProtocol
{
    private async Task AddVersionAsync(EmulatorCall call, string key)
    {
        using var document = await call.ReadObjectAsync(() => InvalidArgument("Payload data is required.")).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("payload", out var payload)
            || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("data", out var dataElement)
            || dataElement.ValueKind != JsonValueKind.String)
        {
            throw InvalidArgument("Payload data is required.");
        }

        byte[] data;
        try
        {
            data = dataElement.GetBytesFromBase64();
        }
        catch (FormatException)
        {
            throw InvalidArgument("Invalid value at 'payload.data' (TYPE_BYTES): not valid base64.");
        }

        if (data.Length > MaxPayloadBytes)
        {
            throw InvalidArgument($"Secret payload data cannot be larger than {MaxPayloadBytes} bytes.");
        }

        var clientChecksum = false;
        if (payload.TryGetProperty("dataCrc32c", out var crcElement) && crcElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadInt64(crcElement, out var expected))
            {
                throw InvalidArgument("Invalid value at 'payload.data_crc32c' (TYPE_INT64).");
            }

            if (expected != Secrets.Client.Gcp.Crc32C.Compute(data))
            {
                throw InvalidArgument("Checksum mismatch: the payload's data_crc32c does not match its data.");
            }

            clientChecksum = true;
        }

        byte[] body;
        lock (_state.Sync)
        {
            var secret = _state.Secrets.GetValueOrDefault(key) ?? throw SecretNotFound(key);
            var version = _state.AddVersion(secret, data);
            version.ClientSpecifiedChecksum = clientChecksum;
            _state.Notifier?.Notify("SECRET_VERSION_ADD", secret, version);
            body = EmulatorJson.Write(w => WriteVersion(w, secret, version));
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    private async Task ListVersionsAsync(EmulatorCall call, string key)
    {
        var filter = call.Query("filter");
        string? state = null;
        if (filter.Length > 0)
        {
            state = filter.StartsWith("state:", StringComparison.Ordinal)
                ? filter["state:".Length..]
                : throw InvalidArgument($"Invalid filter: '{filter}'. The emulator understands 'state:ENABLED|DISABLED|DESTROYED'.");
        }

        var (offset, pageSize) = ReadPaging(call);
        byte[] body;
        lock (_state.Sync)
        {
            var secret = _state.Secrets.GetValueOrDefault(key) ?? throw SecretNotFound(key);

            // The service lists versions newest first.
            var matching = Enumerable.Reverse(secret.Versions).Where(v => state is null || v.State == state).ToList();
            body = WritePage(matching, "versions", offset, pageSize, (w, v) => WriteVersion(w, secret, v));
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    /// <summary>Answers a version's metadata, after moving it to <paramref name="newState"/> when one is given.</summary>
    private async Task VersionAnswerAsync(EmulatorCall call, string key, string version, string? newState)
    {
        byte[] body;
        lock (_state.Sync)
        {
            var (secret, found) = FindVersion(key, version);
            if (newState is not null)
            {
                if (found.State == GcpSecretVersionStates.Destroyed && newState != GcpSecretVersionStates.Destroyed)
                {
                    throw Error(400, "FAILED_PRECONDITION", $"Secret Version [{key}/versions/{version}] is in DESTROYED state.");
                }

                GcpSecretManagerEmulator.ApplyState(found, newState, _state.Now);
                _state.Notifier?.Notify("SECRET_VERSION_" + newState switch { GcpSecretVersionStates.Enabled => "ENABLE", GcpSecretVersionStates.Disabled => "DISABLE", _ => "DESTROY" }, secret, found);
            }

            body = EmulatorJson.Write(w => WriteVersion(w, secret, found));
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    private async Task AccessAsync(EmulatorCall call, string key, string version)
    {
        byte[] body;
        lock (_state.Sync)
        {
            var (_, found) = FindVersion(key, version);
            var name = $"{key}/versions/{found.Number.ToString(CultureInfo.InvariantCulture)}";
            if (found.State != GcpSecretVersionStates.Enabled)
            {
                throw Error(400, "FAILED_PRECONDITION", $"Secret Version [{name}] is in {found.State} state.");
            }

            var checksum = (long)Secrets.Client.Gcp.Crc32C.Compute(found.Data) + (_corruptChecksums ? 1 : 0);
            body = EmulatorJson.WriteObject(w =>
            {
                w.WriteString("name", name);
                w.WriteStartObject("payload");
                w.WriteBase64String("data", found.Data);
                w.WriteString("dataCrc32c", checksum.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
            });
        }

        Traffic.CountOperation(GcpSecretManagerEmulatorCounters.Access);
        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    private (GcpStoredSecret Secret, GcpStoredVersion Version) FindVersion(string key, string version)
    {
        var secret = _state.Secrets.GetValueOrDefault(key);
        if (secret?.Find(version) is { } found)
        {
            return (secret, found);
        }

        throw secret is { Versions.Count: > 0 } && version != "latest"
            ? Error(404, "NOT_FOUND", $"Secret Version [{key}/versions/{version}] not found.")
            : Error(404, "NOT_FOUND", $"Secret [{key}] not found or has no versions.");
    }
}
