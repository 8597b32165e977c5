using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>The writes: <c>PUT /secrets/{name}</c> (a new version) and <c>PATCH /secrets/{name}/{version}</c> (attributes, content type, tags).</summary>
internal sealed partial class KeyVaultProtocol
{
    private async Task SetAsync(EmulatorCall call, string name)
    {
        using var document = await call.ReadJsonAsync().ConfigureAwait(false);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new EmulatorException(400, "BadParameter", "The request body must be a JSON object.");
        }

        var root = document.RootElement;
        if (!root.TryGetProperty("value", out var valueElement) || valueElement.ValueKind != JsonValueKind.String)
        {
            throw new EmulatorException(400, "BadParameter", "Property 'value' is required and must be a string.");
        }

        var value = valueElement.GetString()!;
        if (value.Length > MaxValueLength)
        {
            throw new EmulatorException(400, "BadParameter", $"The secret value exceeds the maximum size of {MaxValueLength} characters.");
        }

        var attributes = ReadAttributes(root);
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            if (_state.IsDeleted(name))
            {
                status = 409;
                body = ErrorBody("Conflict", $"Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", "ObjectIsDeletedButRecoverable");
            }
            else
            {
                var created = _state.AddVersion(
                    name,
                    value,
                    ReadString(root, "contentType"),
                    ReadTags(root),
                    attributes.Enabled ?? true,
                    attributes.NotBefore,
                    attributes.ExpiresOn);
                status = 200;
                body = EmulatorJson.Write(w => WriteBundle(w, created, includeValue: true));
            }
        }

        await call.SendAsync(status, body).ConfigureAwait(false);
    }

    private async Task UpdateAsync(EmulatorCall call, string name, string? version)
    {
        using var document = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = document?.RootElement ?? default;
        if (document is not null && root.ValueKind != JsonValueKind.Object)
        {
            throw new EmulatorException(400, "BadParameter", "The request body must be a JSON object.");
        }

        byte[] body;
        lock (_state.Sync)
        {
            var found = _state.Find(name, version) ?? throw NotFound(name, version);
            if (document is not null)
            {
                if (root.TryGetProperty("contentType", out _))
                {
                    found.ContentType = ReadString(root, "contentType");
                }

                if (root.TryGetProperty("tags", out _))
                {
                    found.Tags = ReadTags(root);
                }

                if (root.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object)
                {
                    var attributes = ReadAttributes(root);
                    if (attributes.Enabled is { } enabled)
                    {
                        found.Enabled = enabled;
                    }

                    if (a.TryGetProperty("nbf", out _))
                    {
                        found.NotBefore = attributes.NotBefore;
                    }

                    if (a.TryGetProperty("exp", out _))
                    {
                        found.ExpiresOn = attributes.ExpiresOn;
                    }
                }
            }

            found.Updated = DateTimeOffset.FromUnixTimeSeconds(_state.Now.ToUnixTimeSeconds());
            body = EmulatorJson.Write(w => WriteBundle(w, found, includeValue: false));
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }
}
