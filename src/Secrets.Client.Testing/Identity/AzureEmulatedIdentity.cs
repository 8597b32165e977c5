namespace Secrets.Client.Testing;

/// <summary>
/// A Microsoft Entra service principal the <see cref="AzureIdentityEmulator"/> issues tokens to: a managed identity
/// (system- or user-assigned) or an application registration with a federated credential (workload identity).
/// </summary>
/// <param name="Name">A name for messages and tests, for example <c>system-assigned</c>.</param>
/// <param name="ClientId">The client (application) id, as <c>AZURE_CLIENT_ID</c> names it.</param>
/// <param name="ObjectId">The object (principal) id Key Vault access policies and RBAC name; what the vault sees.</param>
/// <param name="FederatedSubject">For a workload identity application, the subject its federated credential trusts (<c>system:serviceaccount:NS:SA</c>); otherwise <see langword="null"/>.</param>
public sealed record AzureEmulatedIdentity(string Name, string ClientId, string ObjectId, string? FederatedSubject = null);
