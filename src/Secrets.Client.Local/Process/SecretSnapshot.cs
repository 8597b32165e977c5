using System.Text.Json;

namespace Secrets.Client.Local;

/// <summary>
/// A flat set of named secret values read in one go (a Doppler config download, a direnv environment): parsed from a
/// JSON object of strings straight into secret memory, each name versioned by an HMAC of its value so that a change check
/// sees exactly the names whose values changed. Thread-safe for reads; disposing wipes every value.
/// </summary>
internal sealed class SecretSnapshot : IDisposable
{
    private readonly Dictionary<string, Entry> _entries;

    private SecretSnapshot(Dictionary<string, Entry> entries, string? changeToken)
    {
        _entries = entries;
        ChangeToken = changeToken;
    }

    /// <summary>Gets the names, in the order the source gave them.</summary>
    public IReadOnlyCollection<string> Names => _entries.Keys;

    /// <summary>Gets what the source said identifies this content (an ETag, a watch list), if anything.</summary>
    public string? ChangeToken { get; }

    /// <summary>Parses a JSON object whose values are strings (or <c>null</c>, meaning unset, which is skipped).</summary>
    /// <param name="json">The JSON bytes; the caller wipes them.</param>
    /// <param name="provider">The provider name, for properties and errors.</param>
    /// <param name="versioner">Computes value versions.</param>
    /// <param name="exclude">Names to leave out (bookkeeping variables), or <see langword="null"/>.</param>
    /// <param name="changeToken">What identifies this content, if anything.</param>
    /// <param name="updatedOn">When the content was read.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="SecretFormatException">The bytes are not a JSON object of strings.</exception>
    public static SecretSnapshot Parse(ReadOnlySpan<byte> json, string provider, SecretVersioner versioner, Func<string, bool>? exclude, string? changeToken, DateTimeOffset updatedOn)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SecretFormatException(provider, secretName: null, "The tool's output is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null || exclude?.Invoke(name) == true)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new SecretFormatException(provider, name, "The value is not a JSON string.");
                }

                var escaped = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                var value = SecretValue.Create(escaped, reader, static (destination, r) => r.CopyString(destination));
                string version;
                using (var lease = value.Lease())
                {
                    version = versioner.Compute(name, lease.Span);
                }

                if (entries.Remove(name, out var replaced))
                {
                    replaced.Value.Dispose();
                }

                entries[name] = new Entry(value, new SecretProperties(provider, name) { Version = version, UpdatedOn = updatedOn });
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            Wipe(entries);
            throw new SecretFormatException(provider, secretName: null, "The tool's output is not valid JSON.");
        }
        catch
        {
            Wipe(entries);
            throw;
        }

        return new SecretSnapshot(entries, changeToken);
    }

    /// <summary>Creates an empty snapshot (a directory without <c>.envrc</c>).</summary>
    /// <param name="changeToken">What identifies this content.</param>
    /// <returns>The snapshot.</returns>
    public static SecretSnapshot Empty(string? changeToken) => new(new Dictionary<string, Entry>(StringComparer.Ordinal), changeToken);

    /// <summary>Gets a name's properties.</summary>
    /// <param name="name">The name.</param>
    /// <param name="properties">Its properties.</param>
    /// <returns>Whether the name exists.</returns>
    public bool TryGetProperties(string name, out SecretProperties properties)
    {
        var found = _entries.TryGetValue(name, out var entry);
        properties = entry.Properties!;
        return found;
    }

    /// <summary>Copies a name's value into a new secret the caller owns.</summary>
    /// <param name="name">The name.</param>
    /// <param name="secret">The secret.</param>
    /// <returns>Whether the name exists.</returns>
    public bool TryCopy(string name, out Secret secret)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            secret = null!;
            return false;
        }

        using var lease = entry.Value.Lease();
        secret = new Secret(entry.Properties, SecretValue.FromBytes(lease.Span));
        return true;
    }

    /// <summary>Wipes every value.</summary>
    public void Dispose() => Wipe(_entries);

    private static void Wipe(Dictionary<string, Entry> entries)
    {
        foreach (var entry in entries.Values)
        {
            entry.Value.Dispose();
        }
    }

    private readonly record struct Entry(SecretValue Value, SecretProperties Properties);
}
