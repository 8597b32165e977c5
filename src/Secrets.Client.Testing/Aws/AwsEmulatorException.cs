using System.Net;

namespace Secrets.Client.Testing;

/// <summary>An error the AWS emulator answers with, in the AWS JSON 1.1 shape (<c>__type</c> and <c>message</c>).</summary>
internal sealed class AwsEmulatorException : EmulatorException
{
    public AwsEmulatorException(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest)
        : base((int)status, code, message)
    {
    }

    public AwsEmulatorException()
        : this("InternalServiceError", "An error occurred on the server side.", HttpStatusCode.InternalServerError)
    {
    }

    public AwsEmulatorException(string message)
        : this("InternalServiceError", message, HttpStatusCode.InternalServerError)
    {
    }

    public AwsEmulatorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static AwsEmulatorException NotFound(string message = "Secrets Manager can't find the specified secret.") =>
        new("ResourceNotFoundException", message);

    public static AwsEmulatorException InvalidParameter(string message) => new("InvalidParameterException", message);

    public static AwsEmulatorException InvalidRequest(string message) => new("InvalidRequestException", message);

    public static AwsEmulatorException MarkedForDeletion() =>
        InvalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
}
