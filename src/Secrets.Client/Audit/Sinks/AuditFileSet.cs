using System.Globalization;

namespace Secrets.Client;

/// <summary>
/// The files of one audit trail in a directory: <c>{prefix}-{period start, UTC}-{sequence}.jsonl</c>. Every process
/// computes the same name for a period from the record's time, so time rotation needs no coordination; a size rotation
/// (the next sequence) is taken under the directory's lock file.
/// </summary>
internal sealed class AuditFileSet
{
    private const string PeriodFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string Extension = ".jsonl";

    public AuditFileSet(string directory, string prefix)
    {
        Directory = directory;
        Prefix = prefix;
    }

    public string Directory { get; }

    public string Prefix { get; }

    public string LockPath => Path.Combine(Directory, Prefix + ".lock");

    public static DateTimeOffset PeriodOf(DateTimeOffset time, TimeSpan interval)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var length = Math.Max(interval.Ticks, TimeSpan.TicksPerSecond);
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - (((ticks % length) + length) % length));
    }

    public string PathOf(DateTimeOffset period, int sequence) =>
        Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{period.UtcDateTime.ToString(PeriodFormat, CultureInfo.InvariantCulture)}-{sequence:D6}{Extension}"));

    /// <summary>Every file of the trail, oldest first.</summary>
    public IReadOnlyList<(DateTimeOffset Period, int Sequence, string Path)> List()
    {
        var files = new List<(DateTimeOffset, int, string)>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return files;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, Prefix + "-*" + Extension))
        {
            var name = Path.GetFileNameWithoutExtension(path).AsSpan(Prefix.Length + 1);
            var dash = name.LastIndexOf('-');
            if (dash > 0
                && DateTimeOffset.TryParseExact(name[..dash], PeriodFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var period)
                && int.TryParse(name[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                files.Add((period, sequence, path));
            }
        }

        files.Sort(static (a, b) => a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : a.Item2.CompareTo(b.Item2));
        return files;
    }
}
