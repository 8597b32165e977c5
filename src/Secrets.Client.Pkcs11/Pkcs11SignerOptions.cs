using System.ComponentModel.DataAnnotations;

namespace Secrets.Client.Pkcs11;

/// <summary>Configures a <see cref="Pkcs11Signer"/>: which module, which token, and where the user PIN comes from.</summary>
public sealed class Pkcs11SignerOptions
{
    /// <summary>Gets or sets the path of the PKCS#11 module (for example <c>/usr/lib/softhsm/libsofthsm2.so</c>).</summary>
    [Required]
    public string ModulePath { get; set; } = string.Empty;

    /// <summary>Gets or sets the label of the token to use. Give this, <see cref="TokenSerial"/>, or both.</summary>
    public string? TokenLabel { get; set; }

    /// <summary>Gets or sets the serial number of the token to use. Give this, <see cref="TokenLabel"/>, or both.</summary>
    public string? TokenSerial { get; set; }

    /// <summary>
    /// Gets or sets where the user PIN is read from, through the <see cref="ISecretStore"/> (for example
    /// <c>env://HSM_PIN</c> or <c>azure-kv://vault/hsm-pin</c>). The PIN is never taken from plain configuration.
    /// </summary>
    [Required]
    public SecretReference? PinReference { get; set; }

    /// <summary>
    /// Gets or sets the most sessions to open on the token. 0 (the default) means twice the processor count, capped by
    /// the token's own session limit.
    /// </summary>
    [Range(0, 1024)]
    public int MaxSessions { get; set; }

    /// <summary>Gets or sets a name for this signer in logs, audit records and metrics. Defaults to the token label.</summary>
    public string? Name { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModulePath))
        {
            throw new ArgumentException("Pkcs11SignerOptions.ModulePath must name the PKCS#11 module to load.", nameof(ModulePath));
        }

        if (string.IsNullOrWhiteSpace(TokenLabel) && string.IsNullOrWhiteSpace(TokenSerial))
        {
            throw new ArgumentException("Pkcs11SignerOptions needs a TokenLabel or a TokenSerial to pick the token.", nameof(TokenLabel));
        }

        if (PinReference is null)
        {
            throw new ArgumentException("Pkcs11SignerOptions.PinReference must say where the user PIN is read from (for example env://HSM_PIN).", nameof(PinReference));
        }

        if (MaxSessions is < 0 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSessions), MaxSessions, "Pkcs11SignerOptions.MaxSessions must be between 0 (automatic) and 1024.");
        }
    }
}
