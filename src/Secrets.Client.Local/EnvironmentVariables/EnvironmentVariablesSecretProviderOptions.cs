namespace Secrets.Client.Local;

/// <summary>Options for <see cref="EnvironmentVariablesSecretProvider"/>.</summary>
public class EnvironmentVariablesSecretProviderOptions : LocalSecretProviderOptions
{
    /// <summary>
    /// Gets or sets a prefix, as in <c>AddEnvironmentVariables(prefix)</c>: only variables whose names start with it
    /// (compared case-insensitively) are served, under their names with the prefix removed. With prefix <c>MYAPP_</c>,
    /// <c>env://DB_PASSWORD</c> reads <c>MYAPP_DB_PASSWORD</c>. <see langword="null"/> or empty serves every variable.
    /// </summary>
    public string? Prefix { get; set; }

    /// <summary>Describes the options for diagnostics (never any value).</summary>
    /// <returns>The provider name and prefix.</returns>
    public override string ToString() => $"{nameof(EnvironmentVariablesSecretProviderOptions)}(Name = {Name ?? EnvironmentVariablesSecretProvider.DefaultName}, Prefix = '{Prefix}')";
}
