namespace Secrets.Client.Testing;

/// <summary>A file attached to an item held by <see cref="OnePasswordConnectEmulator"/>.</summary>
/// <param name="Name">The file's name, what references name.</param>
/// <param name="Content">The file's bytes.</param>
public sealed record OnePasswordEmulatedFile(string Name, ReadOnlyMemory<byte> Content)
{
    /// <summary>Gets the label of the section the file is in, or <see langword="null"/> for none.</summary>
    public string? Section { get; init; }
}
