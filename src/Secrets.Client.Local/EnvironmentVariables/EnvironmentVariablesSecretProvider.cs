using System.Collections;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Local;

/// <summary>Serves the process's environment variables as secrets (<c>env://API_KEY</c>), for local development.</summary>
/// <remarks>
/// <para>Variables are read on every call, so changes made while the process runs are seen. A variable's name is used
/// as it is (<c>__</c> and <c>--</c> are not rewritten; the configuration provider maps them to <c>:</c>). Lookups are
/// case-sensitive where the operating system's environment is (Linux, macOS) and case-insensitive on Windows.</para>
/// <para>The operating system hands the value over as a managed <see cref="string"/>, so a copy of each value read
/// exists outside secret memory no matter what; this provider adds none that it can avoid. A version is an HMAC of the
/// value under a per-provider random key (see <c>docs/local-sources.md</c>).</para>
/// <para>The provider refuses to be constructed in the Production environment unless
/// <see cref="LocalSecretProviderOptions.AllowInProduction"/> is set. All members are thread-safe.</para>
/// </remarks>
public sealed class EnvironmentVariablesSecretProvider : SecretProvider
{
    /// <summary>The provider name references use unless another is given: <c>env</c>.</summary>
    public const string DefaultName = "env";

    private readonly string _prefix;
    private readonly SecretVersioner _versioner = new();

    /// <summary>Initializes a new instance of the <see cref="EnvironmentVariablesSecretProvider"/> class.</summary>
    /// <param name="options">The options; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>.</param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Unused: reading a variable is not a request worth a metric. Taken so that every provider is built alike.</param>
    /// <exception cref="SecretEnvironmentScopeException">The environment is Production and <see cref="LocalSecretProviderOptions.AllowInProduction"/> is not set.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    public EnvironmentVariablesSecretProvider(EnvironmentVariablesSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base((options ?? throw new ArgumentNullException(nameof(options))).Name ?? DefaultName, options)
    {
        options.Validate(Name);
        _ = meterFactory;
        _prefix = options.Prefix ?? string.Empty;
        var environment = LocalEnvironment.EnsureAllowed(options, Name, _prefix.Length == 0 ? "environment variables" : $"environment variables starting with '{_prefix}'");
        if (string.Equals(environment, LocalEnvironment.Production, StringComparison.OrdinalIgnoreCase))
        {
            Log.RunningInProduction(loggerFactory?.CreateLogger<EnvironmentVariablesSecretProvider>() ?? NullLogger<EnvironmentVariablesSecretProvider>.Instance, Name);
        }
    }

    /// <summary>Gets the prefix stripped from variable names; empty for none.</summary>
    public string Prefix => _prefix;

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <inheritdoc/>
    /// <exception cref="SecretNotFoundException">No such variable is set.</exception>
    /// <exception cref="InvalidSecretReferenceException">The name cannot be a variable name (it contains <c>=</c> or NUL).</exception>
    public override ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        cancellationToken.ThrowIfCancellationRequested();
        var text = Read(reference);
        var value = SecretValue.FromText(text);
        try
        {
            using var lease = value.Lease();
            var properties = new SecretProperties(Name, reference.Path) { Version = _versioner.Compute(reference.Path, lease.Span) };
            return ValueTask.FromResult(new Secret(properties, value));
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="SecretNotFoundException">No such variable is set.</exception>
    /// <exception cref="InvalidSecretReferenceException">The name cannot be a variable name (it contains <c>=</c> or NUL).</exception>
    public override ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        cancellationToken.ThrowIfCancellationRequested();
        var text = Read(reference);
        return ValueTask.FromResult(new SecretProperties(Name, reference.Path) { Version = _versioner.Compute(reference.Path, text) });
    }

    /// <inheritdoc/>
    /// <remarks>Names are listed with <see cref="Prefix"/> removed, sorted ordinally; <paramref name="prefix"/> is compared ordinally.</remarks>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var listed = new List<SecretProperties>();
        foreach (DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string fullName && variable.Value is string text && StripPrefix(fullName) is { } name &&
                (prefix is null || name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                listed.Add(new SecretProperties(Name, name) { Version = _versioner.Compute(name, text) });
            }
        }

        listed.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var properties in listed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return properties;
        }
    }

    /// <summary>Describes the provider for diagnostics (never a value).</summary>
    /// <returns>The kind, name and prefix.</returns>
    public override string ToString() => $"{nameof(EnvironmentVariablesSecretProvider)}({Name}, Prefix = '{_prefix}')";


    private string Read(SecretReference reference)
    {
        var name = reference.Path;
        if (name.AsSpan().IndexOfAny('=', '\0') >= 0)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "an environment variable name cannot contain '=' or NUL.", Name);
        }

        var text = System.Environment.GetEnvironmentVariable(_prefix + name);
        if (text is null && _prefix.Length > 0)
        {
            // The prefix matches case-insensitively, as in AddEnvironmentVariables(prefix), also where the OS does not.
            foreach (DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
            {
                if (variable.Key is string fullName && variable.Value is string candidate &&
                    string.Equals(StripPrefix(fullName), name, StringComparison.Ordinal))
                {
                    text = candidate;
                    break;
                }
            }
        }

        return text ?? throw new SecretNotFoundException(
            Name,
            name,
            _prefix.Length == 0 ? $"No environment variable '{name}' is set." : $"No environment variable '{_prefix}{name}' is set.");
    }

    private string? StripPrefix(string fullName) =>
        fullName.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase) && fullName.Length > _prefix.Length ? fullName[_prefix.Length..] : null;
}
