namespace Secrets.Client.Testing;

/// <summary>Settings for an <see cref="SqsEmulator"/>.</summary>
public sealed class SqsEmulatorOptions : AwsEmulatorOptions
{
    /// <summary>Gets or sets a value indicating whether SigV4 signatures are verified. Default <see langword="true"/>.</summary>
    public bool RequireSignature { get; set; } = true;

    /// <summary>Gets or sets the longest long poll accepted (<c>WaitTimeSeconds</c>), 20 seconds as in SQS.</summary>
    public int MaxWaitTimeSeconds { get; set; } = 20;
}
