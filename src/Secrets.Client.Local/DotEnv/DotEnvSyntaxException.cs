namespace Secrets.Client.Local;

/// <summary>
/// A <c>.env</c> file has a line that is neither an assignment, a comment nor blank, or a quoted value that is not
/// closed. Raised only when <see cref="DotEnvSecretProviderOptions.Strict"/> is set (the default). The message names the
/// file and the line, never the line's text, which may hold a secret.
/// </summary>
public class DotEnvSyntaxException : SecretFormatException
{
    /// <summary>Initializes a new instance of the <see cref="DotEnvSyntaxException"/> class.</summary>
    public DotEnvSyntaxException()
        : base("A .env file has a syntax error.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DotEnvSyntaxException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public DotEnvSyntaxException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DotEnvSyntaxException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public DotEnvSyntaxException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DotEnvSyntaxException"/> class naming the file and line.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="lineNumber">The 1-based line number.</param>
    /// <param name="reason">What is wrong, without quoting the line.</param>
    public DotEnvSyntaxException(string filePath, int lineNumber, string reason)
        : this(filePath, lineNumber, reason, strictHint: true)
    {
    }

    /// <summary>Initializes a new instance naming the file and line; without the hint for errors <c>Strict = false</c> does not skip (expansion bounds).</summary>
    internal DotEnvSyntaxException(string filePath, int lineNumber, string reason, bool strictHint)
        : base($"Syntax error in .env file '{filePath}' on line {lineNumber}: {reason}" + (strictHint ? " Set Strict = false to skip such lines as the npm dotenv package does." : string.Empty))
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>Gets the path of the file, when known.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line number of the error, or 0 when unknown.</summary>
    public int LineNumber { get; }
}
