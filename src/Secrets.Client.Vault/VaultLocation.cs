namespace Secrets.Client.Vault;

/// <summary>Where a KV v2 secret lives: its mount and path, and <c>mount/path</c> as shown to callers.</summary>
/// <param name="Mount">The KV v2 mount, for example <c>secret</c>.</param>
/// <param name="Path">The secret's path within the mount, without leading or trailing slash.</param>
internal readonly record struct VaultLocation(string Mount, string Path)
{
    public string DisplayName => Mount + "/" + Path;

    /// <summary>Builds <c>{mount}/{kind}/{path}</c> with every segment escaped.</summary>
    public string ApiPath(string kind) => Escape(Mount) + "/" + kind + "/" + Escape(Path);

    public static string Escape(string path) =>
        string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
