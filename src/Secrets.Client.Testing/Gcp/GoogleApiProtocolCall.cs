using System.Globalization;

namespace Secrets.Client.Testing;

/// <summary>RFC 3339 times with microseconds as the Google APIs write them (the protocols share <see cref="GoogleApiProtocol"/>).</summary>
internal static class GoogleApiProtocolCall
{
    /// <summary>Formats a time as Google APIs do (UTC, microseconds, <c>Z</c>).</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text.</returns>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
