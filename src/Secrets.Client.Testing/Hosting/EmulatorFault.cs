namespace Secrets.Client.Testing;

/// <summary>A fault an emulator injects into one request.</summary>
public enum EmulatorFault
{
    /// <summary>Answer normally.</summary>
    None,

    /// <summary>Answer with the service's throttling error (HTTP 400 <c>ThrottlingException</c> on AWS, 429 on Azure).</summary>
    Throttle,

    /// <summary>Answer with an HTTP 500/503 error in the service's shape.</summary>
    ServerError,

    /// <summary>Abort the connection without answering.</summary>
    DropConnection,
}
