using System.Text.RegularExpressions;

namespace Secrets.Client.Gcp;

/// <summary>Turns references and listing prefixes into Secret Manager locations, checking project, secret id and version.</summary>
internal sealed partial class GcpLocationResolver(string provider, string? defaultProject)
{
    public const string Latest = "latest";

    public string? DefaultProject => defaultProject;

    public GcpLocation Resolve(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Stage is not null)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "Secret Manager references take no stage; pin a version with ?version=N or use latest.", provider);
        }

        var path = reference.Path;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var project = slash < 0 ? defaultProject : path[..slash];
        var id = slash < 0 ? path : path[(slash + 1)..];
        if (project is null)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"it names no project and provider '{provider}' has no default project; write 'project/secret' or set {nameof(GcpSecretManagerSecretProviderOptions.DefaultProject)}.", provider);
        }

        if (!GcpProjectId.IsValid(project))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{project}' is not a Google Cloud project id or number.", provider);
        }

        if (!SecretIdPattern().IsMatch(id))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{id}' is not a Secret Manager secret id: use 1 to 255 letters, digits, '_' and '-', after an optional 'project/'.", provider);
        }

        var version = reference.Version ?? Latest;
        if (version != Latest && !VersionPattern().IsMatch(version))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{version}' is not a Secret Manager version: use a version number or 'latest'.", provider);
        }

        return new GcpLocation(project, id, version, path);
    }

    public (string Project, string DisplayPrefix, string IdPrefix) ResolvePrefix(string? prefix)
    {
        prefix ??= string.Empty;
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        var project = slash < 0 ? defaultProject : prefix[..slash];
        var idPrefix = slash < 0 ? prefix : prefix[(slash + 1)..];
        if (project is null || !GcpProjectId.IsValid(project))
        {
            throw new ArgumentException(project is null
                ? $"The prefix names no project and provider '{provider}' has no default project; write 'project/prefix' or set {nameof(GcpSecretManagerSecretProviderOptions.DefaultProject)}."
                : $"'{project}' is not a Google Cloud project id or number.", nameof(prefix));
        }

        if (idPrefix.Length > 0 && !SecretIdPrefixPattern().IsMatch(idPrefix))
        {
            throw new ArgumentException($"'{idPrefix}' cannot start a Secret Manager secret id: use letters, digits, '_' and '-'.", nameof(prefix));
        }

        return (project, slash < 0 ? string.Empty : project + "/", idPrefix);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex SecretIdPattern();

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex SecretIdPrefixPattern();

    [GeneratedRegex("^[0-9]{1,19}$")]
    private static partial Regex VersionPattern();
}
