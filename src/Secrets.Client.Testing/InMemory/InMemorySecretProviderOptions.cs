namespace Secrets.Client.Testing;

/// <summary>Options of an <see cref="InMemorySecretProvider"/>.</summary>
public class InMemorySecretProviderOptions : SecretProviderOptions
{
    /// <summary>Initializes a new instance of the <see cref="InMemorySecretProviderOptions"/> class named <c>memory</c>.</summary>
    public InMemorySecretProviderOptions() => Name = "memory";

    /// <summary>Gets or sets how many secrets one batch call may fetch; 1 disables batching. Default 20.</summary>
    public int MaxBatchSize { get; set; } = 20;
}
