namespace Secrets.Client.Listening;

/// <summary>A change listener's counts and state at one instant.</summary>
internal readonly record struct ListenerSnapshot(
    ListenerHealth Health,
    int ConsecutiveFaults,
    string? LastFaultType,
    DateTimeOffset? LastContact,
    long Received,
    long Applied,
    long Ignored,
    long Malformed,
    long Rejected);
