using Microsoft.Extensions.Options;

namespace Secrets.Client.Pkcs11;

/// <summary>Validates <see cref="Pkcs11SignerOptions"/> once, when the options are first built.</summary>
internal sealed class Pkcs11SignerOptionsValidator : IValidateOptions<Pkcs11SignerOptions>
{
    public ValidateOptionsResult Validate(string? name, Pkcs11SignerOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
