namespace Secrets.Client;

/// <summary>Builds model instances for tests and mocks.</summary>
public static class SecretsModelFactory
{
    /// <summary>Creates <see cref="SecretProperties"/>.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="name">The secret name.</param>
    /// <param name="version">The version id.</param>
    /// <param name="stages">The version stages.</param>
    /// <param name="createdOn">The creation time.</param>
    /// <param name="updatedOn">The last update time.</param>
    /// <param name="contentType">The content type.</param>
    /// <returns>The properties.</returns>
    public static SecretProperties SecretProperties(
        string provider,
        string name,
        string? version = null,
        IReadOnlyList<string>? stages = null,
        DateTimeOffset? createdOn = null,
        DateTimeOffset? updatedOn = null,
        string? contentType = null) =>
        new(provider, name)
        {
            Version = version,
            Stages = stages ?? [],
            CreatedOn = createdOn,
            UpdatedOn = updatedOn,
            ContentType = contentType,
        };

    /// <summary>Creates a <see cref="Secret"/> holding UTF-8 text, owned by the caller.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="name">The secret name.</param>
    /// <param name="text">The value.</param>
    /// <param name="version">The version id.</param>
    /// <returns>The secret.</returns>
    public static Secret Secret(string provider, string name, string text, string? version = null) =>
        new(SecretProperties(provider, name, version), SecretValue.FromText(text));
}
