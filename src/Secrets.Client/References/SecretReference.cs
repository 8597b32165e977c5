using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Secrets.Client;

/// <summary>
/// Names a secret across every backend with one syntax:
/// <c>provider://path[?version=V|stage=S][&amp;attribute=A][&amp;env=E1,E2][#field]</c>, for example <c>aws-sm://prod/db#password</c>,
/// <c>azure-kv://my-vault/db-password</c>, <c>gcp-sm://my-project/api-key?version=5</c>, <c>vault://kv/app#key</c>,
/// <c>env://API_KEY</c>, <c>dotenv://API_KEY</c>, and 1Password's own <c>op://vault/item/section/field?attribute=otp</c>. Without <c>provider://</c> the store's default provider is meant.
/// </summary>
/// <remarks>
/// The provider is the name a provider was registered under (case-insensitive). The path is percent-decoded and means
/// what its provider says (AWS: secret name or ARN; Azure: vault then name; GCP: project then secret). <c>#field</c>
/// selects one top-level field of a JSON object secret. <c>env</c> limits the reference to the listed environments.
/// A reference names a secret and never holds one, so it is safe to log. See <c>docs/secret-references.md</c>.
/// </remarks>
public sealed class SecretReference : IEquatable<SecretReference>, ISpanFormattable
{
    private const string SchemeSeparator = "://";

    // Each cached secret's key is a reference, so it keeps no formatted text (ToString formats each time; nothing on the
    // read path calls it) and shares its provider name string with every other reference (ProviderNames).
    private int _hashCode;

    // Most references (and every cache key) are just provider + path: the rarely used parts live in one optional object,
    // so that a cached secret's key costs 32 bytes less (docs/benchmarks.md, bookkeeping).
    private readonly OptionalParts? _parts;

    /// <summary>Gets or sets the routing a store remembered for this reference (one object per provider and store, see <c>SecretRouter.Resolve</c>).</summary>
    internal object? Route { get; set; }

    /// <summary>Initializes a new instance of the <see cref="SecretReference"/> class.</summary>
    /// <param name="provider">The provider name, or <see langword="null"/> for the store's default provider.</param>
    /// <param name="path">The secret's path within the provider.</param>
    /// <param name="version">A version id to pin, if any.</param>
    /// <param name="stage">A version stage or label (for example <c>AWSPREVIOUS</c>), if any.</param>
    /// <param name="field">A field of a JSON object secret, if any.</param>
    /// <exception cref="InvalidSecretReferenceException">A part is malformed, or both a version and a stage are given.</exception>
    public SecretReference(string? provider, string path, string? version = null, string? stage = null, string? field = null)
        : this(provider, path, version, stage, field, [], text: null)
    {
    }

    private SecretReference(string? provider, string path, string? version, string? stage, string? field, IReadOnlyList<string> environments, string? text, string? attribute = null)
    {
        var shown = text ?? path ?? string.Empty;
        if (provider is not null && !IsValidProviderName(provider))
        {
            throw new InvalidSecretReferenceException(shown, $"provider name '{provider}' must start with a letter and use only letters, digits, '-', '+' or '.'.", provider);
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidSecretReferenceException(shown, "the secret path is empty.", provider);
        }

        if (ContainsControl(path) || ContainsControl(version) || ContainsControl(stage) || ContainsControl(field))
        {
            throw new InvalidSecretReferenceException(shown, "it contains control characters.", provider);
        }

        if (version is not null && stage is not null)
        {
            throw new InvalidSecretReferenceException(shown, "give a version or a stage, not both.", provider);
        }

        if (field is { Length: 0 } || version is { Length: 0 } || stage is { Length: 0 } || attribute is { Length: 0 })
        {
            throw new InvalidSecretReferenceException(shown, "the field, version or stage is empty.", provider);
        }

        Provider = provider is null ? null : ProviderNames.Intern(provider);
        Path = path;
        if (version is not null || stage is not null || field is not null || attribute is not null || environments.Count > 0)
        {
            _parts = new OptionalParts(version, stage, field, environments, attribute);
        }
    }

    /// <summary>Gets the provider name (lower case), or <see langword="null"/> for the store's default provider.</summary>
    public string? Provider { get; }

    /// <summary>Gets the secret's path within its provider, percent-decoded.</summary>
    public string Path { get; }

    /// <summary>Gets the pinned version id, if any.</summary>
    public string? Version => _parts?.Version;

    /// <summary>Gets the version stage or label, if any.</summary>
    public string? Stage => _parts?.Stage;

    /// <summary>Gets the JSON field to select, if any.</summary>
    public string? Field => _parts?.Field;

    /// <summary>Gets the environments this reference is limited to; empty means any.</summary>
    public IReadOnlyList<string> Environments => _parts?.Environments ?? [];

    /// <summary>
    /// Gets the attribute of the field to read instead of its value (<c>?attribute=otp</c> in 1Password's syntax: a
    /// one-time password, or <c>type</c>, <c>id</c>, ...), if any; providers that have no attributes refuse it.
    /// </summary>
    public string? Attribute => _parts?.Attribute;

    /// <summary>Parses a reference.</summary>
    /// <param name="text">The reference text.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="InvalidSecretReferenceException">The text is not a valid reference; the message says why.</exception>
    public static SecretReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseCore(text, out var reference, out var error) ? reference : throw error;
    }

    /// <summary>Tries to parse a reference.</summary>
    /// <param name="text">The reference text.</param>
    /// <param name="reference">The reference, when the text is valid.</param>
    /// <returns><see langword="true"/> when the text is a valid reference.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SecretReference? reference)
    {
        if (text is null)
        {
            reference = null;
            return false;
        }

        var ok = TryParseCore(text, out var parsed, out _);
        reference = ok ? parsed : null;
        return ok;
    }

    /// <summary>Gets the provider name of <paramref name="text"/> if it starts with <c>name://</c>, without parsing the rest.</summary>
    /// <param name="text">Text that may be a reference.</param>
    /// <param name="provider">The provider name (lower case).</param>
    /// <returns><see langword="true"/> when the text starts with a provider scheme.</returns>
    public static bool TryGetProvider(string? text, [NotNullWhen(true)] out string? provider)
    {
        provider = null;
        var separator = text?.IndexOf(SchemeSeparator, StringComparison.Ordinal) ?? -1;
        if (separator <= 0 || !IsValidProviderName(text.AsSpan(0, separator)))
        {
            return false;
        }

        provider = ProviderNames.Intern(text.AsSpan(0, separator));
        return true;
    }

    /// <summary>Returns this reference without its <see cref="Field"/>: the whole secret the field is read from.</summary>
    /// <returns>The reference to the whole secret.</returns>
    public SecretReference WithoutField() =>
        Field is null ? this : new SecretReference(Provider, Path, Version, Stage, field: null, Environments, text: null, Attribute);

    /// <summary>Returns this reference without a version or stage: the secret as a whole, for per-secret settings.</summary>
    internal SecretReference WithoutVersion() =>
        Version is null && Stage is null && Field is null ? this : new SecretReference(Provider, Path, version: null, stage: null, field: null, Environments, text: null, Attribute);

    /// <summary>Returns this reference pinned to another version or stage, keeping its field, environments and attribute.</summary>
    internal SecretReference WithVersion(string? version, string? stage) =>
        new(Provider, Path, version, stage, Field, Environments, text: null, Attribute);

    /// <summary>Returns this reference resolved against a default provider when it names none.</summary>
    /// <param name="provider">The default provider name.</param>
    /// <returns>A reference that names a provider.</returns>
    public SecretReference WithProvider(string provider) =>
        Provider is not null ? this : new SecretReference(provider, Path, Version, Stage, Field, Environments, text: null, Attribute);

    /// <summary>
    /// Gets the reference to the whole secret under <paramref name="provider"/>, the store's cache key: this reference when
    /// it names that provider and no field (a store remembers any other key with its routing, see <c>SecretRouter.Resolve</c>).
    /// </summary>
    internal SecretReference GetCacheKey(string provider) =>
        Field is null && string.Equals(Provider, provider, StringComparison.Ordinal)
            ? this
            : new SecretReference(provider, Path, Version, Stage, field: null, Environments, text: null, Attribute);

    /// <summary>Returns the canonical text of the reference.</summary>
    /// <returns>The reference text.</returns>
    public override string ToString() => Format();

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var text = ToString();
        charsWritten = text.TryCopyTo(destination) ? text.Length : 0;
        return charsWritten == text.Length;
    }

    /// <inheritdoc/>
    public bool Equals(SecretReference? other) =>
        ReferenceEquals(this, other) ||
        other is not null &&
        string.Equals(Provider, other.Provider, StringComparison.Ordinal) &&
        string.Equals(Path, other.Path, StringComparison.Ordinal) &&
        string.Equals(Version, other.Version, StringComparison.Ordinal) &&
        string.Equals(Stage, other.Stage, StringComparison.Ordinal) &&
        string.Equals(Field, other.Field, StringComparison.Ordinal) &&
        string.Equals(Attribute, other.Attribute, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SecretReference);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        // Immutable, and the store's cache key: compute once (0 doubles as "not yet").
        var hash = _hashCode;
        if (hash == 0)
        {
            hash = HashCode.Combine(Provider, Path, Version, Stage, Field, Attribute) | 1;
            _hashCode = hash;
        }

        return hash;
    }

    private static bool TryParseCore(string text, [NotNullWhen(true)] out SecretReference? reference, [NotNullWhen(false)] out InvalidSecretReferenceException? error)
    {
        reference = null;
        error = null;
        var rest = text.AsSpan().Trim();
        string? provider = null;
        var separator = rest.IndexOf(SchemeSeparator, StringComparison.Ordinal);
        if (separator >= 0)
        {
            var scheme = rest[..separator];
            if (!IsValidProviderName(scheme))
            {
                error = new InvalidSecretReferenceException(text, $"'{scheme}' is not a valid provider name.", provider: null);
                return false;
            }

            provider = ProviderNames.Intern(scheme);
            rest = rest[(separator + SchemeSeparator.Length)..];
        }

        string? field = null;
        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            field = Decode(rest[(hash + 1)..]);
            rest = rest[..hash];
        }

        string? version = null, stage = null, attribute = null;
        IReadOnlyList<string> environments = [];
        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].ToString().Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var key = equals < 0 ? pair : pair[..equals];
                var value = equals < 0 ? string.Empty : Decode(pair.AsSpan(equals + 1));
                switch (key.ToLowerInvariant())
                {
                    case "version":
                        version = value;
                        break;
                    case "stage" or "label":
                        stage = value;
                        break;
                    case "attribute":
                        attribute = value;
                        break;
                    case "env":
                        environments = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        break;
                    default:
                        error = new InvalidSecretReferenceException(text, $"unknown option '{key}' (known: version, stage, attribute, env).", provider);
                        return false;
                }
            }

            rest = rest[..question];
        }

        try
        {
            reference = new SecretReference(provider, Decode(rest), version, stage, field, environments, text, attribute);
            return true;
        }
        catch (InvalidSecretReferenceException ex)
        {
            error = ex;
            return false;
        }
    }

    private static string Decode(ReadOnlySpan<char> text) =>
        text.Contains('%') ? Uri.UnescapeDataString(text.ToString()) : text.ToString();

    private static bool IsValidProviderName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '+' and not '.')
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsControl(string? text) => text is not null && text.AsSpan().ContainsAnyInRange('\0', '\u001f');

    private string Format()
    {
        // Every part is escaped so that parsing the text gives this reference back (see Escape); a reference without a
        // provider must not show '://' anywhere, or the text would name one.
        var schemeFree = Provider is null;
        var builder = new StringBuilder();
        if (Provider is not null)
        {
            builder.Append(Provider).Append(SchemeSeparator);
        }

        Escape(builder, Path, schemeFree, string.Empty);
        var separator = '?';
        if (Version is not null)
        {
            Escape(builder.Append(separator).Append("version="), Version, schemeFree, string.Empty);
            separator = '&';
        }

        if (Stage is not null)
        {
            Escape(builder.Append(separator).Append("stage="), Stage, schemeFree, string.Empty);
            separator = '&';
        }

        if (Attribute is not null)
        {
            Escape(builder.Append(separator).Append("attribute="), Attribute, schemeFree, string.Empty);
            separator = '&';
        }

        if (Environments.Count > 0)
        {
            builder.Append(separator).Append("env=");
            for (var i = 0; i < Environments.Count; i++)
            {
                Escape(i == 0 ? builder : builder.Append(','), Environments[i], schemeFree, ",");
            }
        }

        if (Field is not null)
        {
            Escape(builder.Append('#'), Field, schemeFree, string.Empty);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Appends <paramref name="text"/> with the characters that parsing would take for syntax percent-encoded: <c>%</c>,
    /// the separators <c>?</c> <c>#</c> <c>&amp;</c> <c>=</c> and <paramref name="alsoReserved"/>, whitespace at either end
    /// (the text is trimmed before parsing), and, when <paramref name="schemeFree"/>, a ':' that starts '://'. Everything
    /// else is kept as it is, so the text stays readable and a value that is not valid UTF-16 is never re-encoded.
    /// </summary>
    private static void Escape(StringBuilder builder, string text, bool schemeFree, string alsoReserved)
    {
        var leading = text.Length - text.AsSpan().TrimStart().Length;
        var trailing = text.Length - text.AsSpan().TrimEnd().Length;
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var reserved = c is '%' or '?' or '#' or '&' or '='
                || alsoReserved.Contains(c, StringComparison.Ordinal)
                || i < leading
                || i >= text.Length - trailing
                || (schemeFree && c == ':' && text.AsSpan(i).StartsWith(SchemeSeparator, StringComparison.Ordinal));
            if (!reserved)
            {
                builder.Append(c);
                continue;
            }

            var count = new Rune(c).EncodeToUtf8(utf8);
            foreach (var b in utf8[..count])
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    private sealed record OptionalParts(string? Version, string? Stage, string? Field, IReadOnlyList<string> Environments, string? Attribute);
}
