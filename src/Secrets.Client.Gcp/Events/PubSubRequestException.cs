namespace Secrets.Client.Gcp;

/// <summary>A Pub/Sub request answered with an error: the HTTP status and Google's status name (never a body, which may echo a request).</summary>
public sealed class PubSubRequestException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PubSubRequestException"/> class.</summary>
    public PubSubRequestException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PubSubRequestException"/> class.</summary>
    /// <param name="message">The message.</param>
    public PubSubRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PubSubRequestException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PubSubRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PubSubRequestException"/> class.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="status">Google's status name (for example <c>NOT_FOUND</c>), when the answer had one.</param>
    public PubSubRequestException(int statusCode, string? status)
        : base($"Pub/Sub answered {statusCode} {status ?? "(no status)"}.")
    {
        StatusCode = statusCode;
        Status = status;
    }

    /// <summary>Gets the HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>Gets Google's status name, when the answer had one.</summary>
    public string? Status { get; }
}
