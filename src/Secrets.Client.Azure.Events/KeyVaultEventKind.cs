namespace Secrets.Client.Azure.Events;

/// <summary>What an Event Grid event means to a listener.</summary>
internal enum KeyVaultEventKind
{
    /// <summary>A secret's value may have changed: hand it to the store.</summary>
    SecretChanged,

    /// <summary>A secret will expire: nothing changed; logged, not checked.</summary>
    SecretNearExpiry,

    /// <summary>Event Grid's webhook validation handshake.</summary>
    SubscriptionValidation,

    /// <summary>Anything else (keys, certificates, access policy, other services): ignored.</summary>
    Other,
}
