using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client.Transport;

namespace Secrets.Client.OnePassword;

/// <summary>
/// Serves 1Password fields and files addressed by 1Password's own secret references, as the 1Password app copies them:
/// <c>op://vault/item/field</c>, <c>op://vault/item/section/field</c>, a file's name in place of the field, and
/// <c>?attribute=otp</c> (also <c>type</c>, <c>id</c>, <c>purpose</c>, <c>label</c>) for a field's attribute.
/// </summary>
/// <remarks>
/// <para>Two transports (<see cref="OnePasswordSecretProviderOptions.Transport"/>): the 1Password CLI for a developer's
/// session (a local source, refused in Production unless <see cref="OnePasswordSecretProviderOptions.AllowInProduction"/>
/// is set) and a 1Password Connect server (production-capable). Either way a whole item is read at once: reading several
/// fields of one item, or loading many references at start-up, costs one <c>op</c> process or one item request per item,
/// not per field. Values go from the child's stdout or the response body into secret memory and never become strings.</para>
/// <para>A secret's version is its item's version, so editing any field of an item is seen by the store's change checks
/// (<see cref="GetPropertiesAsync"/>) and <c>IOptionsMonitor</c> follows. Names are matched case-insensitively, by name or
/// id, as 1Password does.</para>
/// </remarks>
public sealed class OnePasswordSecretProvider : SecretProvider
{
    /// <summary>The provider name references use unless another is given: <c>op</c>, the scheme of 1Password's own references.</summary>
    public const string DefaultName = OnePasswordSecretProviderOptions.DefaultName;

    private readonly IOnePasswordTransport _transport;
    private readonly int _maxConcurrency;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="OnePasswordSecretProvider"/> class.</summary>
    /// <param name="options">
    /// The options; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>, the clock that times out
    /// <c>op</c> and Connect requests to <see cref="SecretProviderOptions.TimeProvider"/>.
    /// </param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the provider's meter (Connect requests); <see langword="null"/> uses a meter of its own.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    /// <exception cref="SecretEnvironmentScopeException">The CLI transport in Production without <see cref="OnePasswordSecretProviderOptions.AllowInProduction"/>.</exception>
    /// <exception cref="ArgumentException">Connect without a host or token.</exception>
    public OnePasswordSecretProvider(OnePasswordSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base(NameOf(options), options)
    {
        options.Validate(Name);
        var timeProvider = options.TimeProvider ?? TimeProvider.System;
        _maxConcurrency = options.MaxConcurrentRequests;
        _logger = loggerFactory?.CreateLogger<OnePasswordSecretProvider>() ?? NullLogger<OnePasswordSecretProvider>.Instance;
        if (options.Transport == OnePasswordTransport.Cli)
        {
            var environment = SecretEnvironment.Resolve(options.Environment);
            if (SecretEnvironment.IsProduction(environment))
            {
                if (!options.AllowInProduction)
                {
                    throw new SecretEnvironmentScopeException(
                        $"The 1Password provider '{Name}' uses the 1Password CLI, a developer's session, and refuses to run in the '{environment}' environment. " +
                        $"Use the Connect transport (or another secret manager) in production, or set {nameof(OnePasswordSecretProviderOptions.AllowInProduction)} = true if this is intended.");
                }

                OnePasswordLog.CliInProduction(_logger, Name);
            }

            _transport = new OpCliTransport(options, Name, timeProvider);
        }
        else
        {
            _transport = new ConnectTransport(options, Name, new SecretHttpTransport(Name, options.HttpHandler, timeProvider, new SecretProviderMetrics(Name, "1password-connect", meterFactory)));
        }
    }

    /// <inheritdoc/>
    public override int MaxBatchSize => 100;

    /// <inheritdoc/>
    /// <exception cref="SecretNotFoundException">The vault, item, field or file does not exist.</exception>
    /// <exception cref="SecretAccessDeniedException">The CLI is not signed in (<c>ErrorCode</c> <c>NotSignedIn</c>), or the Connect token is refused.</exception>
    /// <exception cref="Local.SecretToolNotFoundException"><c>op</c> is not installed.</exception>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var path = OnePasswordPath.Parse(reference, Name);
        using var item = await _transport.GetItemAsync(path, cancellationToken).ConfigureAwait(false);
        return await ResolveAsync(reference, path, item, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var path = OnePasswordPath.Parse(reference, Name);
        using var item = await _transport.GetItemAsync(path, cancellationToken).ConfigureAwait(false);
        if (FindField(path, item) is null && FindFile(path, item) is null)
        {
            throw FieldNotFound(path);
        }

        return Properties(reference, item);
    }

    /// <inheritdoc/>
    /// <remarks>References are grouped by item: each item is read once, however many of its fields are asked for.</remarks>
    public override async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        var results = new SecretResult?[references.Count];
        var groups = new Dictionary<(string, string), List<(int Index, OnePasswordPath Path)>>();
        for (var i = 0; i < references.Count; i++)
        {
            try
            {
                var path = OnePasswordPath.Parse(references[i], Name);
                if (!groups.TryGetValue(path.ItemKey, out var members))
                {
                    groups[path.ItemKey] = members = [];
                }

                members.Add((i, path));
            }
            catch (InvalidSecretReferenceException ex)
            {
                results[i] = SecretResult.Failure(references[i], ex);
            }
        }

        try
        {
            await Parallel.ForEachAsync(groups.Values, new ParallelOptions { MaxDegreeOfParallelism = _maxConcurrency, CancellationToken = cancellationToken }, async (members, ct) =>
            {
                OnePasswordItem item;
                try
                {
                    item = await _transport.GetItemAsync(members[0].Path, ct).ConfigureAwait(false);
                }
                catch (SecretStoreException ex)
                {
                    foreach (var (index, _) in members)
                    {
                        results[index] = SecretResult.Failure(references[index], ex);
                    }

                    return;
                }

                using (item)
                {
                    foreach (var (index, path) in members)
                    {
                        try
                        {
                            results[index] = SecretResult.Success(references[index], await ResolveAsync(references[index], path, item, ct).ConfigureAwait(false));
                        }
                        catch (SecretStoreException ex)
                        {
                            results[index] = SecretResult.Failure(references[index], ex);
                        }
                    }
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var result in results)
            {
                result?.Secret?.Dispose();
            }

            throw;
        }

        return results!;
    }

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        _transport.Dispose();
        return base.DisposeAsyncCore();
    }

    private static string NameOf(OnePasswordSecretProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Name ?? OnePasswordSecretProviderOptions.DefaultName;
    }

    private static OnePasswordField? FindField(OnePasswordPath path, OnePasswordItem item) =>
        item.Fields.FirstOrDefault(f => f.Matches(path.Section, path.Field));

    private static OnePasswordFile? FindFile(OnePasswordPath path, OnePasswordItem item) =>
        item.Files.FirstOrDefault(f => f.Matches(path.Section, path.Field));

    private SecretProperties Properties(SecretReference reference, OnePasswordItem item) => new(Name, reference.Path)
    {
        Version = item.Version.ToString(CultureInfo.InvariantCulture),
        UpdatedOn = item.UpdatedAt,
    };

    private SecretNotFoundException FieldNotFound(OnePasswordPath path) =>
        new(Name, path.ToString(), $"The item has no field or file '{path.Field}'" + (path.Section is null ? "." : $" in section '{path.Section}'.")) { ErrorCode = "NotFound" };

    private async ValueTask<Secret> ResolveAsync(SecretReference reference, OnePasswordPath path, OnePasswordItem item, CancellationToken cancellationToken)
    {
        var properties = Properties(reference, item);
        if (FindField(path, item) is { } field)
        {
            return new Secret(properties, Attribute(reference, path, field));
        }

        if (FindFile(path, item) is { } file && reference.Attribute is null or "content")
        {
            return new Secret(properties, await _transport.ReadFileAsync(path, item, file, cancellationToken).ConfigureAwait(false));
        }

        throw FieldNotFound(path);
    }

    private SecretValue Attribute(SecretReference reference, OnePasswordPath path, OnePasswordField field)
    {
        switch (reference.Attribute?.ToUpperInvariant())
        {
            case null or "VALUE":
                return Copy(field.Value);
            case "OTP" or "TOTP":
                return field.Totp is not null
                    ? Copy(field.Totp)
                    : throw new SecretFormatException(Name, path.ToString(), "The field is not a one-time password field, so it has no 'otp' attribute.");
            case "TYPE":
                return SecretValue.FromText(field.Type ?? string.Empty);
            case "ID":
                return SecretValue.FromText(field.Id);
            case "PURPOSE":
                return SecretValue.FromText(field.Purpose ?? string.Empty);
            case "LABEL":
                return SecretValue.FromText(field.Label ?? string.Empty);
            default:
                throw new InvalidSecretReferenceException(reference.ToString(), $"unknown 1Password attribute '{reference.Attribute}' (known: value, otp, type, id, purpose, label).", Name);
        }
    }

    private static SecretValue Copy(SecretValue? value)
    {
        if (value is null)
        {
            return SecretValue.FromBytes(ReadOnlySpan<byte>.Empty);
        }

        using var lease = value.Lease();
        return SecretValue.FromBytes(lease.Span);
    }

    /// <summary>Describes the provider for diagnostics.</summary>
    /// <returns>The kind, name and transport.</returns>
    public override string ToString() => $"{nameof(OnePasswordSecretProvider)}({Name}, {_transport.GetType().Name.Replace("Transport", string.Empty, StringComparison.Ordinal)})";

}
