namespace Secrets.Client;

/// <summary>What a store did with a <see cref="SecretChangeNotification"/>.</summary>
public enum SecretChangeNotificationOutcome
{
    /// <summary>The store holds the secret: a version check is scheduled (after the random delay) and a fetch if the version moved, or the fetch alone when the notification names another version.</summary>
    Scheduled,

    /// <summary>The store holds the secret and a check is already pending (or it holds the announced version): nothing more was scheduled.</summary>
    Coalesced,

    /// <summary>The store holds no value of that secret: nothing to do, nothing was called.</summary>
    NotHeld,

    /// <summary>The notification names a provider the store does not have.</summary>
    UnknownProvider,
}
