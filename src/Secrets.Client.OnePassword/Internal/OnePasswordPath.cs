namespace Secrets.Client.OnePassword;

/// <summary>The parts of a 1Password secret reference path: <c>vault/item[/section]/field</c>.</summary>
internal readonly record struct OnePasswordPath(string Vault, string Item, string? Section, string Field)
{
    /// <summary>Gets the vault and item, the unit one CLI process or one HTTP request reads.</summary>
    public (string Vault, string Item) ItemKey => (Vault.ToUpperInvariant(), Item.ToUpperInvariant());

    public static OnePasswordPath Parse(SecretReference reference, string provider)
    {
        var parts = reference.Path.Split('/');
        if (parts.Length is < 3 or > 4 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidSecretReferenceException(
                reference.ToString(),
                "a 1Password reference is op://vault/item/field or op://vault/item/section/field (names or IDs; a file's name in place of the field).",
                provider);
        }

        return parts.Length == 3 ? new(parts[0], parts[1], null, parts[2]) : new(parts[0], parts[1], parts[2], parts[3]);
    }

    public override string ToString() => Section is null ? $"{Vault}/{Item}/{Field}" : $"{Vault}/{Item}/{Section}/{Field}";
}
