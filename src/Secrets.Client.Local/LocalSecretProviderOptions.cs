namespace Secrets.Client.Local;

/// <summary>
/// Options shared by the local-development providers (<see cref="DotEnvSecretProvider"/>,
/// <see cref="EnvironmentVariablesSecretProvider"/>, <see cref="KeyPerFileSecretProvider"/>): their name and the guard that keeps
/// them out of Production.
/// </summary>
/// <remarks>
/// A local provider refuses to be constructed when <see cref="Environment"/> is <c>Production</c> (compared
/// case-insensitively, as <c>IHostEnvironment.IsProduction()</c> does) unless <see cref="AllowInProduction"/> is set:
/// the constructor throws <see cref="SecretEnvironmentScopeException"/>, so a misconfigured deployment fails at startup
/// instead of quietly reading secrets from a developer's file.
/// </remarks>
public abstract class LocalSecretProviderOptions : SecretProviderOptions
{
    /// <summary>Initializes a new instance of the <see cref="LocalSecretProviderOptions"/> class.</summary>
    /// <param name="defaultName">The provider's default name, the scheme of its references.</param>
    protected LocalSecretProviderOptions(string defaultName) => Name = defaultName;

    /// <summary>Gets or sets the provider's name: the scheme of the references it serves (for example <c>dotenv</c> in <c>dotenv://API_KEY</c>).</summary>
    public string Name { get; set; }

    /// <summary>
    /// Gets or sets the name of the environment the application runs in (for example <c>Development</c>). The DI
    /// extensions set it from <c>IHostEnvironment.EnvironmentName</c>. When <see langword="null"/>, it is read from the
    /// <c>ASPNETCORE_ENVIRONMENT</c> and <c>DOTNET_ENVIRONMENT</c> variables: if either says <c>Production</c>, or neither
    /// is set, the environment is <c>Production</c> (the hosting default, and the safe one).
    /// </summary>
    public string? Environment { get; set; }

    /// <summary>Gets or sets a value indicating whether the provider may run in the <c>Production</c> environment. Defaults to <see langword="false"/>.</summary>
    public bool AllowInProduction { get; set; }
}
