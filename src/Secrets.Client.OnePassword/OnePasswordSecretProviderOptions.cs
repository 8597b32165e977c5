namespace Secrets.Client.OnePassword;

/// <summary>Options for <see cref="OnePasswordSecretProvider"/>.</summary>
public sealed class OnePasswordSecretProviderOptions : SecretProviderOptions
{
    /// <summary>The default provider name, the scheme of 1Password's own secret references.</summary>
    public const string DefaultName = "op";

    /// <summary>Gets or sets how 1Password is reached. Defaults to <see cref="OnePasswordTransport.Cli"/>.</summary>
    public OnePasswordTransport Transport { get; set; } = OnePasswordTransport.Cli;

    /// <summary>Gets or sets a value indicating whether the CLI transport may run in Production. Defaults to <see langword="false"/>; Connect is not affected.</summary>
    public bool AllowInProduction { get; set; }

    /// <summary>Gets a value indicating whether a store in Production refuses the provider: the CLI transport unless <see cref="AllowInProduction"/> is set.</summary>
    public override bool RefusedInProduction => Transport == OnePasswordTransport.Cli && !AllowInProduction;

    /// <summary>Gets or sets the <c>op</c> executable: a name looked up on <c>PATH</c>, or a path. Defaults to <c>op</c>.</summary>
    public string ExecutablePath { get; set; } = "op";

    /// <summary>Gets or sets the account (<c>--account</c>: sign-in address, email or id) the CLI uses when several are signed in.</summary>
    public string? Account { get; set; }

    /// <summary>Gets or sets how long one <c>op</c> command may run before it is killed (a biometric prompt nobody answers). Defaults to 60 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets the variables set for the <c>op</c> child on top of the few it inherits (<c>PATH</c>, <c>HOME</c>, the
    /// desktop-integration and <c>OP_SERVICE_ACCOUNT_TOKEN</c>/<c>OP_ACCOUNT</c>/<c>OP_SESSION_*</c> variables); a
    /// <see langword="null"/> value removes an inherited one.
    /// </summary>
    public IDictionary<string, string?> ProcessEnvironment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Gets or sets the Connect server's address (the Connect transport's endpoint). Defaults to the <c>OP_CONNECT_HOST</c> variable.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the Connect token. Defaults to the <c>OP_CONNECT_TOKEN</c> variable; keep it out of committed configuration.</summary>
    public string? ConnectToken { get; set; }

    /// <inheritdoc/>
    protected override void AddValidationFailures(ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (CommandTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(CommandTimeout)} must be positive.");
        }

        if (Transport == OnePasswordTransport.Cli && string.IsNullOrWhiteSpace(ExecutablePath))
        {
            failures.Add($"{nameof(ExecutablePath)} must name the op executable.");
        }
    }
}
