namespace Secrets.Client.Testing;

/// <summary>
/// What an identity emulator says about a credential a cloud emulator received: the principal it was issued to, or why
/// it is refused (unknown, expired or revoked). Never carries the credential itself.
/// </summary>
/// <param name="Principal">The principal the credential was issued to (a role ARN, a managed identity, a service account), or <see langword="null"/> when refused.</param>
/// <param name="Failure">Why the credential is refused, or <see langword="null"/> when it is valid.</param>
public readonly record struct IdentityCheck(string? Principal, string? Failure)
{
    /// <summary>Gets a value indicating whether the credential is valid now.</summary>
    public bool IsValid => Principal is not null && Failure is null;

    /// <summary>Creates a check that accepts the credential as <paramref name="principal"/>.</summary>
    /// <param name="principal">The principal.</param>
    /// <returns>The check.</returns>
    public static IdentityCheck Valid(string principal) => new(principal, null);

    /// <summary>Creates a check that refuses the credential.</summary>
    /// <param name="failure">Why, without the credential.</param>
    /// <param name="principal">The principal it was issued to, when known.</param>
    /// <returns>The check.</returns>
    public static IdentityCheck Refused(string failure, string? principal = null) => new(principal, failure);
}
