namespace Secrets.Client.Doppler;

/// <summary>Options for <see cref="DopplerSecretProvider"/>.</summary>
public sealed class DopplerSecretProviderOptions : SecretProviderOptions
{
    /// <summary>The default provider name.</summary>
    public const string DefaultName = "doppler";

    /// <summary>Gets or sets how Doppler is reached. Defaults to <see cref="DopplerTransport.Api"/>.</summary>
    public DopplerTransport Transport { get; set; } = DopplerTransport.Api;

    /// <summary>Gets or sets a value indicating whether the CLI transport may run in Production. Defaults to <see langword="false"/>.</summary>
    public bool AllowInProduction { get; set; }

    /// <summary>Gets a value indicating whether a store in Production refuses the provider: the CLI transport unless <see cref="AllowInProduction"/> is set.</summary>
    public override bool RefusedInProduction => Transport == DopplerTransport.Cli && !AllowInProduction;

    /// <summary>Gets or sets the project; not needed with a service token (it names one config), nor with a CLI directory set up by <c>doppler setup</c>.</summary>
    public string? Project { get; set; }

    /// <summary>Gets or sets the config (for example <c>dev</c>); as <see cref="Project"/>.</summary>
    public string? Config { get; set; }

    /// <summary>Gets the API address used when <see cref="Endpoint"/> is not set.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.doppler.com");

    /// <summary>Gets or sets the API address. Defaults to <see cref="DefaultEndpoint"/> (<c>https://api.doppler.com</c>).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the service token. Defaults to the <c>DOPPLER_TOKEN</c> variable; keep it out of committed configuration.</summary>
    public string? ServiceToken { get; set; }

    /// <summary>Gets or sets how often the config is checked for changes (one conditional request, or one CLI run). Defaults to 30 seconds.</summary>
    public TimeSpan ChangeCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the <c>doppler</c> executable. Defaults to <c>doppler</c>.</summary>
    public string ExecutablePath { get; set; } = "doppler";

    /// <summary>Gets or sets the CLI's working directory (where <c>doppler setup</c> scoped a project and config), or <see langword="null"/> for the current one.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Gets or sets how long one <c>doppler</c> command may run before it is killed. Defaults to 60 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the variables set for the <c>doppler</c> child on top of the few it inherits; a <see langword="null"/> value removes one.</summary>
    public IDictionary<string, string?> ProcessEnvironment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <inheritdoc/>
    protected override void AddValidationFailures(ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (ChangeCheckInterval < TimeSpan.Zero)
        {
            failures.Add($"{nameof(ChangeCheckInterval)} must not be negative.");
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(CommandTimeout)} must be positive.");
        }
    }
}
