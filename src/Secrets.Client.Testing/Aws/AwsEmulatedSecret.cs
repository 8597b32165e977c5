namespace Secrets.Client.Testing;

/// <summary>One secret held by the emulator. Guarded by the backend's lock.</summary>
internal sealed class AwsEmulatedSecret(string name, string arn, long sequence, DateTimeOffset created)
{
    public string Name { get; } = name;

    public string Arn { get; } = arn;

    public long Sequence { get; } = sequence;

    public DateTimeOffset CreatedDate { get; } = created;

    public DateTimeOffset LastChangedDate { get; set; } = created;

    public DateTimeOffset? LastAccessedDate { get; set; }

    public DateTimeOffset? DeletedDate { get; set; }

    public int RecoveryWindowInDays { get; set; } = 30;

    public DateTimeOffset? LastRotatedDate { get; set; }

    public bool RotationEnabled { get; set; }

    public string? Description { get; set; }

    public List<KeyValuePair<string, string>> Tags { get; } = [];

    public List<AwsEmulatedVersion> Versions { get; } = [];

    public AwsEmulatedVersion? FindByStage(string stage) => Versions.Find(v => v.Stages.Contains(stage));

    public AwsEmulatedVersion? FindById(string versionId) => Versions.Find(v => v.VersionId == versionId);

    /// <summary>Attaches a staging label, moving it from whichever version had it; AWSCURRENT pushes the old current to AWSPREVIOUS.</summary>
    public void AttachStage(AwsEmulatedVersion version, string stage)
    {
        var holder = FindByStage(stage);
        if (holder == version)
        {
            return;
        }

        holder?.Stages.Remove(stage);
        version.Stages.Add(stage);
        if (stage == AwsStages.Current && holder is not null)
        {
            foreach (var other in Versions)
            {
                other.Stages.Remove(AwsStages.Previous);
            }

            holder.Stages.Add(AwsStages.Previous);
        }
    }
}
