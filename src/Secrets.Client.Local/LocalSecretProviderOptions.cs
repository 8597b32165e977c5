namespace Secrets.Client.Local;

/// <summary>
/// Options shared by the local-development providers (<see cref="DotEnvSecretProvider"/>,
/// <see cref="EnvironmentVariablesSecretProvider"/>, <see cref="KeyPerFileSecretProvider"/>): their name and the guard that keeps
/// them out of Production.
/// </summary>
/// <remarks>
/// A local provider refuses to be constructed when <see cref="SecretProviderOptions.Environment"/> is <c>Production</c> (compared
/// case-insensitively, as <c>IHostEnvironment.IsProduction()</c> does) unless <see cref="AllowInProduction"/> is set:
/// the constructor throws <see cref="SecretEnvironmentScopeException"/>, so a misconfigured deployment fails at startup
/// instead of quietly reading secrets from a developer's file.
/// </remarks>
public abstract class LocalSecretProviderOptions : SecretProviderOptions
{
    /// <summary>Gets or sets a value indicating whether the provider may run in the <c>Production</c> environment. Defaults to <see langword="false"/>.</summary>
    public bool AllowInProduction { get; set; }

    /// <summary>Gets a value indicating whether a store in Production refuses the provider: unless <see cref="AllowInProduction"/> is set.</summary>
    public override bool RefusedInProduction => !AllowInProduction;
}
