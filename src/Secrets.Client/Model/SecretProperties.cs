namespace Secrets.Client;

/// <summary>
/// Everything known about a secret except its value: safe to log, cache and compare for change detection.
/// </summary>
public sealed class SecretProperties
{
    // Each cached secret keeps its properties, so the two common optional times are packed: UTC ticks (0 = none) and
    // the offset in minutes, 20 bytes instead of two 24-byte Nullable<DateTimeOffset>; the rarely set parts (expiry,
    // content type, tags) live in one optional object (see docs/benchmarks.md, bookkeeping).
    private readonly long _createdTicks;
    private readonly long _updatedTicks;
    private readonly short _createdOffset;
    private readonly short _updatedOffset;
    private readonly RareParts? _rare;

    /// <summary>Initializes a new instance of the <see cref="SecretProperties"/> class.</summary>
    /// <param name="provider">The name of the provider that holds the secret (for example <c>aws-sm</c>).</param>
    /// <param name="name">The secret's name in that provider.</param>
    public SecretProperties(string provider, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Provider = provider;
        Name = name;
    }

    /// <summary>Gets the name of the provider that holds the secret.</summary>
    public string Provider { get; }

    /// <summary>Gets the secret's name in its provider.</summary>
    public string Name { get; }

    /// <summary>Gets the version identifier, when the provider versions secrets.</summary>
    public string? Version { get; init; }

    /// <summary>Gets the version stages or labels attached to this version (for example <c>AWSCURRENT</c>).</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];

    /// <summary>Gets when the secret (or this version) was created.</summary>
    public DateTimeOffset? CreatedOn
    {
        get => Unpack(_createdTicks, _createdOffset);
        init => (_createdTicks, _createdOffset) = Pack(value);
    }

    /// <summary>Gets when the secret (or this version) was last changed.</summary>
    public DateTimeOffset? UpdatedOn
    {
        get => Unpack(_updatedTicks, _updatedOffset);
        init => (_updatedTicks, _updatedOffset) = Pack(value);
    }

    /// <summary>Gets when the secret stops being usable, when the provider says.</summary>
    public DateTimeOffset? ExpiresOn
    {
        get => _rare is { ExpiresTicks: not 0 } rare ? Unpack(rare.ExpiresTicks, rare.ExpiresOffset) : null;
        init
        {
            if (value is not null || _rare is not null)
            {
                var rare = _rare ??= new RareParts();
                (rare.ExpiresTicks, rare.ExpiresOffset) = Pack(value);
            }
        }
    }

    /// <summary>Gets the content type the provider records, if any.</summary>
    public string? ContentType
    {
        get => _rare?.ContentType;
        init
        {
            if (value is not null || _rare is not null)
            {
                (_rare ??= new RareParts()).ContentType = value;
            }
        }
    }

    /// <summary>Gets the provider's tags or labels on the secret.</summary>
    public IReadOnlyDictionary<string, string> Tags
    {
        get => _rare?.Tags ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
        init
        {
            if ((value is not null && !ReferenceEquals(value, System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty)) || _rare is not null)
            {
                (_rare ??= new RareParts()).Tags = value;
            }
        }
    }

    /// <summary>
    /// Gets a value that changes whenever the secret's value changes: the version, else the update time.
    /// Compared by refresh to decide whether a value must be fetched again.
    /// </summary>
    public string? ChangeToken => Version ?? UpdatedOn?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => Version is null ? $"{Provider}:{Name}" : $"{Provider}:{Name}@{Version}";

    private static (long Ticks, short Offset) Pack(DateTimeOffset? value) =>
        value is { } time ? (time.UtcTicks + 1, (short)time.Offset.TotalMinutes) : (0, 0);

    private static DateTimeOffset? Unpack(long ticks, short offset) =>
        ticks == 0 ? null : new DateTimeOffset(ticks - 1, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset));

    /// <summary>The parts most secrets do not have, allocated only when one is set.</summary>
    private sealed class RareParts
    {
        public long ExpiresTicks { get; set; }

        public short ExpiresOffset { get; set; }

        public string? ContentType { get; set; }

        public IReadOnlyDictionary<string, string>? Tags { get; set; }
    }
}
