namespace Secrets.Client.Testing;

/// <summary>
/// One call an emulator answered, as a service's own audit log would see it (never a value): what the audit emulators
/// (<see cref="CloudTrailEmulator"/>, <see cref="CloudLoggingEmulator"/>) turn into records in their service's shape.
/// </summary>
public sealed class EmulatorAccess
{
    /// <summary>Initializes a new instance of the <see cref="EmulatorAccess"/> class.</summary>
    /// <param name="time">When the call was answered.</param>
    /// <param name="operation">The operation (<c>GetSecretValue</c>, <c>AccessSecretVersion</c>, ...).</param>
    /// <param name="principal">Who made it (an ARN, a service account, ...).</param>
    public EmulatorAccess(DateTimeOffset time, string operation, string principal)
    {
        Time = time;
        Operation = operation;
        Principal = principal;
    }

    /// <summary>Gets when the call was answered.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>Gets the operation.</summary>
    public string Operation { get; }

    /// <summary>Gets who made the call.</summary>
    public string Principal { get; }

    /// <summary>Gets the caller's address.</summary>
    public string? SourceAddress { get; init; }

    /// <summary>Gets the caller's user agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Gets the access key id the request was signed with, when it was signed.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>Gets the secret as the caller named it (name, ARN or resource name), when the call names one.</summary>
    public string? Resource { get; init; }

    /// <summary>Gets the secret's full identifier (an ARN) when the service resolves it for its audit record.</summary>
    public string? ResourceArn { get; init; }

    /// <summary>Gets the secrets a batch call named.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Gets the version id the caller asked for, if it asked for one.</summary>
    public string? VersionId { get; init; }

    /// <summary>Gets the version stage the caller asked for, if it asked for one.</summary>
    public string? VersionStage { get; init; }

    /// <summary>Gets the error code when the call failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the request id.</summary>
    public string RequestId { get; init; } = Guid.NewGuid().ToString();
}
