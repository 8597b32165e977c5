namespace Secrets.Client.Testing;

/// <summary>
/// An error an emulator answers with: thrown anywhere while a request is handled, written by the emulator's
/// <see cref="EmulatorProtocol"/> in the service's error shape.
/// </summary>
internal class EmulatorException : Exception
{
    public EmulatorException(int status, string code, string message, string? innerCode = null)
        : base(message)
    {
        Status = status;
        Code = code;
        InnerCode = innerCode;
    }

    public EmulatorException()
        : this(500, "InternalError", "An error occurred on the server side.")
    {
    }

    public EmulatorException(string message)
        : this(500, "InternalError", message)
    {
    }

    public EmulatorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 500;
        Code = "InternalError";
    }

    /// <summary>Gets the HTTP status.</summary>
    public int Status { get; }

    /// <summary>Gets the service's error code (<c>__type</c>, <c>error.code</c>, <c>error.status</c>); Vault has none.</summary>
    public string Code { get; }

    /// <summary>Gets a nested code (Key Vault's <c>innererror.code</c>), if any.</summary>
    public string? InnerCode { get; }
}
