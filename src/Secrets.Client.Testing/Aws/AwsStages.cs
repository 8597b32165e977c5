namespace Secrets.Client.Testing;

/// <summary>The staging labels Secrets Manager itself manages.</summary>
internal static class AwsStages
{
    public const string Current = "AWSCURRENT";
    public const string Previous = "AWSPREVIOUS";
    public const string Pending = "AWSPENDING";
}
