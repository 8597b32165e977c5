namespace Secrets.Client.Tests;

/// <summary>Secret values that must never show up in logs, exceptions, traces or ToString output.</summary>
internal static class Canary
{
    public const string Value = "CANARY-7f3a9c1e-do-not-log";
    public const string Rotated = "CANARY-rotated-5b2d8e-do-not-log";
    public const string Json = "{\"user\":\"app\",\"password\":\"" + Value + "\",\"port\":5432,\"nested\":{\"token\":\"" + Rotated + "\"}}";

    public static void AssertAbsent(string? text)
    {
        Assert.DoesNotContain("CANARY", text ?? string.Empty, StringComparison.Ordinal);
    }

    public static void AssertAbsent(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            AssertAbsent(current.ToString());
        }
    }
}
