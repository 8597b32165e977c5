using System.Globalization;

namespace Secrets.Client.Vault;

/// <summary>Turns references and listing prefixes into KV v2 locations: <c>mount/path</c> with no empty, <c>.</c> or <c>..</c> segment, and a version number.</summary>
internal sealed class VaultLocationResolver(string provider)
{
    public VaultLocation Resolve(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Stage is not null)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "Vault KV v2 has no version stages or labels; pin a version with ?version=N.", provider);
        }

        var path = reference.Path.Trim('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "write 'mount/path', for example 'vault://secret/myapp/db#password'.", provider);
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                throw new InvalidSecretReferenceException(reference.ToString(), "the path has an empty, '.' or '..' segment.", provider);
            }
        }

        return new VaultLocation(path[..slash], path[(slash + 1)..]);
    }

    public int? ParseVersion(SecretReference reference)
    {
        if (reference.Version is null)
        {
            return null;
        }

        return int.TryParse(reference.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw new InvalidSecretReferenceException(reference.ToString(), $"'{reference.Version}' is not a KV v2 version number (1, 2, 3...).", provider);
    }

    /// <summary>Splits a listing prefix into its mount, the folder listed first, and the name prefix within that folder.</summary>
    public static (string Mount, string Folder, string NamePrefix, VaultLocation Listing) ResolvePrefix(string? prefix)
    {
        var trimmed = (prefix ?? string.Empty).TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (trimmed.Length == 0 || slash == 0)
        {
            throw new ArgumentException("The prefix must start with the KV v2 mount, for example 'secret/' or 'secret/myapp/'.", nameof(prefix));
        }

        var mount = slash < 0 ? trimmed : trimmed[..slash];
        var rest = slash < 0 ? string.Empty : trimmed[(slash + 1)..];
        var lastSlash = rest.LastIndexOf('/');
        var folder = lastSlash < 0 ? string.Empty : rest[..(lastSlash + 1)];
        return (mount, folder, rest[folder.Length..], new VaultLocation(mount, folder.Length == 0 ? "." : folder.TrimEnd('/')));
    }
}
