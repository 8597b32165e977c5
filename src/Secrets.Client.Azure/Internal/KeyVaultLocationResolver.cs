using System.Text.RegularExpressions;

namespace Secrets.Client.Azure;

/// <summary>Turns references and listing prefixes into Key Vault locations: the vault (configured, named or the environment's) and the secret's name and version.</summary>
internal sealed partial class KeyVaultLocationResolver(string provider, AzureKeyVaultSecretProviderOptions options, Uri? environmentVault)
{
    /// <summary>The vault <see cref="AzureKeyVaultSecretProvider.VaultUrlVariable"/> names, used when the options name none.</summary>
    public static Uri? EnvironmentVault(AzureKeyVaultSecretProviderOptions options)
    {
        if (options.Vaults.Count == 0 && options.DefaultVault is null && Environment.GetEnvironmentVariable(AzureKeyVaultSecretProvider.VaultUrlVariable) is { Length: > 0 } vaultUrl)
        {
            return Uri.TryCreate(vaultUrl.Trim(), UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttps
                ? parsed
                : throw new ArgumentException($"{AzureKeyVaultSecretProvider.VaultUrlVariable} must be an absolute https:// address; got '{vaultUrl}'.", nameof(options));
        }

        return null;
    }

    public KeyVaultLocation Resolve(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Stage is not null)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "Azure Key Vault has no version stages or labels; pin a version with ?version=.", provider);
        }

        var path = reference.Path;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var vault = slash < 0 ? null : path[..slash];
        var name = slash < 0 ? path : path[(slash + 1)..];
        if (!SecretNamePattern().IsMatch(name))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{name}' is not a Key Vault secret name: use 1 to 127 letters, digits and dashes, after an optional 'vault/'.", provider);
        }

        if (reference.Version is { } version && !VersionPattern().IsMatch(version))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{version}' is not a Key Vault version id (letters and digits, such as 32 hex digits).", provider);
        }

        var vaultUri = ResolveVault(vault) ?? throw new InvalidSecretReferenceException(reference.ToString(), VaultProblem(vault), provider);
        return new KeyVaultLocation(vaultUri, name, path);
    }

    public (Uri VaultUri, string DisplayPrefix, string NamePrefix) ResolvePrefix(string? prefix)
    {
        prefix ??= string.Empty;
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        var vault = slash < 0 ? null : prefix[..slash];
        var namePrefix = slash < 0 ? prefix : prefix[(slash + 1)..];
        if (namePrefix.Length > 0 && !SecretNamePrefixPattern().IsMatch(namePrefix))
        {
            throw new ArgumentException($"'{namePrefix}' cannot start a Key Vault secret name: use letters, digits and dashes, after an optional 'vault/'.", nameof(prefix));
        }

        var vaultUri = ResolveVault(vault) ?? throw new ArgumentException(VaultProblem(vault), nameof(prefix));
        return (vaultUri, vault is null ? string.Empty : vault + "/", namePrefix);
    }

    public Uri? ResolveVault(string? vault)
    {
        vault ??= options.DefaultVault ?? (options.Vaults.Count == 1 ? options.Vaults.Keys.First() : null);
        if (vault is null)
        {
            return environmentVault;
        }

        if (options.Vaults.TryGetValue(vault, out var listed))
        {
            return listed;
        }

        if (!options.AllowUnlistedVaults)
        {
            return null;
        }

        if (VaultNamePattern().IsMatch(vault))
        {
            return new Uri($"https://{vault.ToLowerInvariant()}.{options.VaultDnsSuffix}/");
        }

        return vault.EndsWith("." + options.VaultDnsSuffix, StringComparison.OrdinalIgnoreCase) && Uri.CheckHostName(vault) == UriHostNameType.Dns
            ? new Uri($"https://{vault.ToLowerInvariant()}/")
            : null;
    }

    private string VaultProblem(string? vault) =>
        vault is null
            ? $"it names no vault and provider '{provider}' has no default vault; write 'vault/secret-name' or set {nameof(AzureKeyVaultSecretProviderOptions.DefaultVault)}."
            : options.AllowUnlistedVaults
                ? $"vault '{vault}' is not configured and is neither a vault name nor a host ending in '.{options.VaultDnsSuffix}'."
                : $"vault '{vault}' is not configured (known: {string.Join(", ", options.Vaults.Keys)}).";


    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex("^[0-9a-zA-Z]{1,64}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9a-zA-Z-]{0,127}$")]
    private static partial Regex SecretNamePrefixPattern();

    [GeneratedRegex("^[a-zA-Z][0-9a-zA-Z-]{1,22}[0-9a-zA-Z]$")]
    private static partial Regex VaultNamePattern();
}
