namespace Secrets.Client.Local;

/// <summary>What a file looks like on disk: whether it exists, its last write time and length.</summary>
/// <param name="Exists">Whether a regular file exists at the path.</param>
/// <param name="LastWriteTimeUtc">Its last write time.</param>
/// <param name="Length">Its length in bytes.</param>
internal readonly record struct LocalFileStamp(bool Exists, DateTimeOffset LastWriteTimeUtc, long Length)
{
    /// <summary>Reads the stamp of <paramref name="path"/>, following symbolic links to the final target.</summary>
    /// <remarks>
    /// Kubernetes mounts secrets as links into a <c>..data</c> directory that is swapped on update; the link itself never
    /// changes, so its target's time is the one that tells.
    /// </remarks>
    /// <param name="path">The file path.</param>
    /// <returns>The stamp.</returns>
    public static LocalFileStamp Read(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            try
            {
                info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            }
            catch (IOException)
            {
                return default;
            }
        }

        return info is FileInfo { Exists: true } file
            ? new LocalFileStamp(true, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero), file.Length)
            : default;
    }
}
