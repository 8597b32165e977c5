namespace Secrets.Client;

/// <summary>
/// Everything known about a secret except its value: safe to log, cache and compare for change detection.
/// </summary>
public sealed class SecretProperties
{
    // Each cached secret keeps its properties, so the three optional times are packed: UTC ticks (0 = none) and the
    // offset in minutes, 30 bytes instead of three 24-byte Nullable<DateTimeOffset> (see docs/benchmarks.md, bookkeeping).
    private readonly long _createdTicks;
    private readonly long _updatedTicks;
    private readonly long _expiresTicks;
    private readonly short _createdOffset;
    private readonly short _updatedOffset;
    private readonly short _expiresOffset;

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
        get => Unpack(_expiresTicks, _expiresOffset);
        init => (_expiresTicks, _expiresOffset) = Pack(value);
    }

    /// <summary>Gets the content type the provider records, if any.</summary>
    public string? ContentType { get; init; }

    /// <summary>Gets the provider's tags or labels on the secret.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

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
}
