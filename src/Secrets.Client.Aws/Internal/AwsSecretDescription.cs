namespace Secrets.Client.Aws;

/// <summary>What DescribeSecret and ListSecrets say about a secret (never its value).</summary>
internal sealed class AwsSecretDescription
{
    public string? Arn { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset? CreatedDate { get; set; }

    public DateTimeOffset? LastChangedDate { get; set; }

    public DateTimeOffset? DeletedDate { get; set; }

    public Dictionary<string, string[]> VersionsToStages { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public string? VersionWithStage(string stage) =>
        VersionsToStages.FirstOrDefault(pair => pair.Value.Contains(stage, StringComparer.Ordinal)).Key;

    public SecretProperties ToProperties(string provider, string fallbackName, string? version) => new(provider, Name ?? fallbackName)
    {
        Version = version,
        Stages = version is not null && VersionsToStages.TryGetValue(version, out var stages) ? stages : [],
        CreatedOn = CreatedDate,
        UpdatedOn = LastChangedDate,
        Tags = Tags,
    };
}
