namespace Secrets.Client.OnePassword;

/// <summary>Reads items and file contents from 1Password: the CLI or a Connect server.</summary>
internal interface IOnePasswordTransport : IDisposable
{
    /// <summary>Reads a whole item (one process, or one item request after name lookups).</summary>
    Task<OnePasswordItem> GetItemAsync(OnePasswordPath path, CancellationToken cancellationToken);

    /// <summary>Reads a file attachment's content.</summary>
    Task<SecretValue> ReadFileAsync(OnePasswordPath path, OnePasswordItem item, OnePasswordFile file, CancellationToken cancellationToken);
}
