namespace Secrets.Client.Aws;

/// <summary>
/// Checks references before a request: a Secrets Manager reference is the secret's name or ARN as it is (with a version
/// id or staging label), so there is nothing to split, only the provider and the id's length to check.
/// </summary>
internal sealed class AwsLocationResolver(string provider)
{
    public void Check(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Provider is not null && reference.Provider != provider)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"it names provider '{reference.Provider}', not '{provider}'.", provider);
        }

        if (reference.Path.Length > 2048)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "an AWS secret id is at most 2048 characters.", provider);
        }
    }
}
