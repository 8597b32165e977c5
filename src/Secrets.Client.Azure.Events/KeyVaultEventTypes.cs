namespace Secrets.Client.Azure.Events;

/// <summary>The Event Grid event types Key Vault publishes for secrets, and the one Event Grid sends to validate a webhook.</summary>
public static class KeyVaultEventTypes
{
    /// <summary>A new version of a secret was created (a write, a rotation, a restore): the value may have changed.</summary>
    public const string SecretNewVersionCreated = "Microsoft.KeyVault.SecretNewVersionCreated";

    /// <summary>The current version of a secret expires within 30 days: nothing changed yet; a rotation is due.</summary>
    public const string SecretNearExpiry = "Microsoft.KeyVault.SecretNearExpiry";

    /// <summary>The current version of a secret expired: Key Vault now refuses to read it.</summary>
    public const string SecretExpired = "Microsoft.KeyVault.SecretExpired";

    /// <summary>Event Grid's handshake when a webhook subscription is created or updated.</summary>
    public const string SubscriptionValidation = "Microsoft.EventGrid.SubscriptionValidationEvent";
}
