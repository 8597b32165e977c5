namespace Secrets.Client.Testing;

/// <summary>Options of an <see cref="InMemorySecretProvider"/>.</summary>
public class InMemorySecretProviderOptions : SecretProviderOptions
{
    /// <summary>Gets or sets the provider name references use. Default <c>memory</c>.</summary>
    public string Name { get; set; } = "memory";

    /// <summary>Gets or sets how many secrets one batch call may fetch; 1 disables batching. Default 20.</summary>
    public int MaxBatchSize { get; set; } = 20;

    /// <summary>Gets or sets the clock used for latency and timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
