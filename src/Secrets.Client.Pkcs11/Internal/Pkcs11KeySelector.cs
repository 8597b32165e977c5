namespace Secrets.Client.Pkcs11;

/// <summary>How a key was asked for: by label or by id. Kept so the key can be found again after a reconnect.</summary>
internal sealed record Pkcs11KeySelector(string? Label, byte[]? Id)
{
    public string Describe() => Pkcs11Text.DescribeKey(Label, Id);
}
