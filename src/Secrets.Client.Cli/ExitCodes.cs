namespace Secrets.Client.Cli;

/// <summary>The tool's exit codes (documented in docs/cli.md). <c>secrets run</c> exits with its child's code instead.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>A failure not covered below.</summary>
    public const int Failed = 1;

    /// <summary>The command line or the configuration is wrong.</summary>
    public const int Usage = 2;

    /// <summary>The secret or version does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>The identity or the environment scope forbids it (including Production references in an unscoped run).</summary>
    public const int Denied = 4;

    /// <summary>The backend is out of reach or throttling.</summary>
    public const int Unavailable = 5;

    /// <summary><c>doctor</c> found problems.</summary>
    public const int Findings = 6;

    /// <summary><c>leak</c> could not complete every step (the report says which).</summary>
    public const int Incomplete = 7;

    /// <summary>The child of <c>run</c> could not be started.</summary>
    public const int CannotStart = 127;

    public static int Of(Exception error) => error switch
    {
        SecretNotFoundException => NotFound,
        SecretAccessDeniedException => Denied,
        SecretUnavailableException => Unavailable,
        InvalidSecretReferenceException => Usage,
        CliUsageException => Usage,
        _ => Failed,
    };
}
