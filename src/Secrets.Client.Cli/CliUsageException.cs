namespace Secrets.Client.Cli;

/// <summary>The command line or the tool's configuration is wrong; the message says what (never a value).</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CliUsageException()
    {
    }
}
