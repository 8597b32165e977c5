namespace Secrets.Client.Aws;

/// <summary>
/// A <c>ListSecrets</c> filter: a key (<c>name</c>, <c>description</c>, <c>tag-key</c>, <c>tag-value</c>,
/// <c>primary-region</c>, <c>owning-service</c> or <c>all</c>) and prefixes to match; a value starting with <c>!</c> negates.
/// Values of one filter are OR-ed; several filters are AND-ed.
/// </summary>
public sealed class AwsSecretFilter
{
    private static readonly string[] Keys = ["name", "description", "tag-key", "tag-value", "primary-region", "owning-service", "all"];

    /// <summary>Initializes a new instance of the <see cref="AwsSecretFilter"/> class.</summary>
    /// <param name="key">The filter key.</param>
    /// <param name="values">One to ten values.</param>
    /// <exception cref="ArgumentException">The key is unknown, or there are no values or more than ten.</exception>
    public AwsSecretFilter(string key, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(values);
        if (!Keys.Contains(key, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown filter key '{key}'; use one of: {string.Join(", ", Keys)}.", nameof(key));
        }

        if (values.Length is 0 or > 10 || values.Any(v => v is null || v.Length > 512))
        {
            throw new ArgumentException("A filter takes one to ten values of at most 512 characters each.", nameof(values));
        }

        Key = key;
        Values = values.ToArray();
    }

    /// <summary>Gets the filter key.</summary>
    public string Key { get; }

    /// <summary>Gets the values.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Creates a filter matching names that start with <paramref name="prefix"/> (case-sensitive).</summary>
    /// <param name="prefix">The name prefix.</param>
    /// <returns>The filter.</returns>
    public static AwsSecretFilter NamePrefix(string prefix) => new("name", prefix);

    /// <summary>Creates a filter matching secrets with a tag key that starts with <paramref name="key"/>.</summary>
    /// <param name="key">The tag key prefix.</param>
    /// <returns>The filter.</returns>
    public static AwsSecretFilter TagKey(string key) => new("tag-key", key);

    /// <inheritdoc/>
    public override string ToString() => $"{Key}={string.Join('|', Values)}";
}
