using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>Soft delete and its way back: delete, get deleted, purge, recover, and backup/restore of a secret with all its versions.</summary>
internal sealed partial class KeyVaultProtocol
{
    private async Task DeleteAsync(EmulatorCall call, string name)
    {
        byte[] body;
        lock (_state.Sync)
        {
            var deleted = _state.Delete(name) ?? throw NotFound(name, version: null);
            body = EmulatorJson.Write(w => WriteDeletedBundle(w, deleted, _state.Now));
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    private async Task GetDeletedAsync(EmulatorCall call, string name)
    {
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            var deleted = _state.FindDeleted(name);
            if (deleted is not { } d)
            {
                status = 404;
                body = ErrorBody("SecretNotFound", $"Deleted Secret not found: {name}");
            }
            else
            {
                status = 200;
                body = EmulatorJson.Write(w => WriteDeletedBundle(w, d.Current, d.DeletedOn));
            }
        }

        await call.SendAsync(status, body).ConfigureAwait(false);
    }

    private async Task PurgeAsync(EmulatorCall call, string name)
    {
        bool purged;
        lock (_state.Sync)
        {
            purged = _state.Purge(name);
        }

        if (purged)
        {
            call.Context.Response.StatusCode = 204;
            return;
        }

        throw new EmulatorException(404, "SecretNotFound", $"Deleted Secret not found: {name}");
    }

    private async Task RecoverAsync(EmulatorCall call, string name)
    {
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            if (_state.Recover(name))
            {
                var current = _state.Find(name, version: null)!;
                status = 200;
                body = EmulatorJson.Write(w => WriteBundle(w, current, includeValue: false));
            }
            else
            {
                status = 404;
                body = ErrorBody("SecretNotFound", $"Deleted Secret not found: {name}");
            }
        }

        await call.SendAsync(status, body).ConfigureAwait(false);
    }

    /// <summary><c>POST /secrets/{name}/backup</c>: every version and attribute of a secret in one opaque blob (base64url).</summary>
    private async Task BackupAsync(EmulatorCall call, string name)
    {
        byte[] blob;
        lock (_state.Sync)
        {
            var versions = _state.GetVersions(name) ?? throw NotFound(name, version: null);
            blob = KeyVaultBackup.Write(versions);
        }

        await call.ObjectAsync(200, w => w.WriteString("value", Base64Url(blob))).ConfigureAwait(false);
    }

    /// <summary><c>POST /secrets/restore</c>: brings back a backed-up secret with all its versions, unless the name is taken.</summary>
    private async Task RestoreAsync(EmulatorCall call)
    {
        using var document = await call.ReadObjectAsync(() => BadParameter("The request body must be a JSON object.")).ConfigureAwait(false);
        var versions = EmulatorJson.OptionalString(document.RootElement, "value") is { } encoded && TryDecodeBase64Url(encoded, out var blob)
            ? KeyVaultBackup.Read(blob)
            : null;
        if (versions is null || versions.Count == 0)
        {
            throw BadParameter("Backup blob contains invalid or corrupt version.");
        }

        byte[] body;
        lock (_state.Sync)
        {
            var name = versions[0].Name;
            if (_state.GetVersions(name) is not null || _state.IsDeleted(name))
            {
                throw new EmulatorException(409, "Conflict", $"Secret {name} already exists or is deleted but recoverable; the backup cannot be restored over it.");
            }

            _state.Restore(versions);
            body = EmulatorJson.Write(w => WriteBundle(w, versions[^1], includeValue: false));
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }
}
