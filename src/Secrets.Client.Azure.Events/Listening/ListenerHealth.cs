namespace Secrets.Client.Listening;

/// <summary>Where a change listener is.</summary>
internal enum ListenerHealth
{
    Starting,
    Connected,
    Reconnecting,
    Stopped,
}
