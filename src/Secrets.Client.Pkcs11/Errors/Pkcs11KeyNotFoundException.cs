namespace Secrets.Client.Pkcs11;

/// <summary>The token holds no private key with the label or id asked for, or more than one.</summary>
public class Pkcs11KeyNotFoundException : SecretNotFoundException
{
    /// <summary>Initializes a new instance of the <see cref="Pkcs11KeyNotFoundException"/> class.</summary>
    public Pkcs11KeyNotFoundException()
        : base("The private key was not found on the PKCS#11 token.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11KeyNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    public Pkcs11KeyNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11KeyNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Pkcs11KeyNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11KeyNotFoundException"/> class.</summary>
    /// <param name="tokenLabel">The token searched.</param>
    /// <param name="key">The key asked for (its label or hexadecimal id).</param>
    /// <param name="matches">How many private keys matched (0, or more than 1 when ambiguous).</param>
    public Pkcs11KeyNotFoundException(string tokenLabel, string key, int matches)
        : base(matches == 0
            ? $"Token '{tokenLabel}' holds no private key {key}."
            : $"Token '{tokenLabel}' holds {matches} private keys {key}; give a label or id that names exactly one.")
    {
        TokenLabel = tokenLabel;
        Key = key;
        Matches = matches;
    }

    /// <summary>Gets the token searched.</summary>
    public string? TokenLabel { get; }

    /// <summary>Gets the key asked for, as a label or a hexadecimal id.</summary>
    public string? Key { get; }

    /// <summary>Gets how many private keys matched: 0 when none, more than 1 when ambiguous.</summary>
    public int Matches { get; }
}
