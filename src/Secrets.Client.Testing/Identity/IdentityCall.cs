namespace Secrets.Client.Testing;

/// <summary>One request an identity emulator answered: which operation, for which principal, and why it failed if it did. Never a credential.</summary>
/// <param name="Operation">The operation, for example <c>AssumeRoleWithWebIdentity</c>, <c>IMDS role credentials</c> or <c>managed identity token</c>.</param>
/// <param name="Principal">The principal credentials were issued to or asked about, when known.</param>
/// <param name="Failure">Why the request was refused, or <see langword="null"/> when it succeeded.</param>
/// <param name="At">When, by the emulator's clock.</param>
public sealed record IdentityCall(string Operation, string? Principal, string? Failure, DateTimeOffset At)
{
    /// <summary>Gets a value indicating whether the request succeeded.</summary>
    public bool Succeeded => Failure is null;
}
