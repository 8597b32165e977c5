using System.ComponentModel;
using Microsoft.Extensions.Primitives;

namespace Secrets.Client;

/// <summary>
/// A secret as an options property: configuration holds only its reference (written <c>handle:&lt;reference&gt;</c>,
/// for example <c>"Db": { "Password": "handle:aws-sm://prod/db#password" }</c>), never its value. Reading it goes
/// through the store, so the value is cached, refreshed, rotation-aware, audited and wiped like any other read.
/// Bind the store with <c>services.AddSecretHandles&lt;TOptions&gt;()</c>.
/// </summary>
[TypeConverter(typeof(SecretHandleConverter))]
public sealed class SecretHandle
{
    /// <summary>The prefix that marks a configuration value as a handle (so configuration never resolves it to the value).</summary>
    public const string Prefix = "handle:";

    private readonly InvalidSecretReferenceException? _invalid;
    private ISecretStore? _store;

    /// <summary>Initializes a new instance of the <see cref="SecretHandle"/> class.</summary>
    /// <param name="reference">The secret.</param>
    /// <param name="store">The store to read through, or null to bind it later.</param>
    public SecretHandle(SecretReference reference, ISecretStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Reference = reference;
        _store = store;
    }

    private SecretHandle(InvalidSecretReferenceException invalid)
    {
        Reference = new SecretReference("invalid", "invalid");
        _invalid = invalid;
    }

    /// <summary>Gets the secret's reference (a placeholder when <see cref="IsValid"/> is false).</summary>
    public SecretReference Reference { get; }

    /// <summary>Gets a value indicating whether the configured text was a reference; reading an invalid handle throws <see cref="InvalidSecretReferenceException"/>.</summary>
    public bool IsValid => _invalid is null;

    /// <summary>Gets a value indicating whether a store is bound.</summary>
    public bool IsBound => Volatile.Read(ref _store) is not null;

    /// <summary>Parses <c>handle:&lt;reference&gt;</c> (or a bare reference).</summary>
    /// <param name="text">The text.</param>
    /// <returns>An unbound handle.</returns>
    /// <exception cref="InvalidSecretReferenceException">The text is not a reference; the message never repeats it.</exception>
    public static SecretHandle Parse(string text)
    {
        var handle = ParseOrInvalid(text);
        return handle._invalid is { } invalid ? throw invalid : handle;
    }

    /// <summary>
    /// Parses like <see cref="Parse"/>, but returns an invalid handle (reading it throws) instead of throwing: what
    /// configuration binding uses, because the binder's own error would repeat the configured text, which may be a
    /// plaintext value written where a reference belongs.
    /// </summary>
    internal static SecretHandle ParseOrInvalid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reference = text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? text[Prefix.Length..] : text;
        if (!SecretReference.TryGetProvider(reference, out _) || !SecretReference.TryParse(reference, out var parsed))
        {
            // Never echo the text: a plaintext value bound here by mistake must not reach a log.
            return new SecretHandle(new InvalidSecretReferenceException("(redacted)", $"a {nameof(SecretHandle)} needs '{Prefix}<provider>://<path>'.", null));
        }

        return new SecretHandle(parsed);
    }

    /// <summary>Reads the secret through the store (owned by the store: read it through a lease, do not keep it).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="InvalidOperationException">No store is bound.</exception>
    /// <exception cref="InvalidSecretReferenceException">The configured text was not a reference.</exception>
    public ValueTask<Secret> GetSecretAsync(CancellationToken cancellationToken = default) =>
        _invalid is { } invalid ? ValueTask.FromException<Secret>(invalid) : Store.GetSecretAsync(Reference, cancellationToken);

    /// <summary>Gets a token fired at the secret's next change (see <see cref="ISecretStore.GetChangeToken"/>).</summary>
    /// <returns>A single-use token.</returns>
    public IChangeToken GetChangeToken() => _invalid is null ? Store.GetChangeToken(Reference) : NeverChangeToken.Instance;

    /// <summary>Binds the store to read through; a bound handle keeps its store.</summary>
    /// <param name="store">The store.</param>
    public void Bind(ISecretStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Interlocked.CompareExchange(ref _store, store, null);
    }

    /// <inheritdoc/>
    public override string ToString() => _invalid is null ? $"{Prefix}{Reference}" : $"{Prefix}(invalid)";

    private ISecretStore Store => Volatile.Read(ref _store)
        ?? throw new InvalidOperationException($"The {nameof(SecretHandle)} for {Reference} has no store: register it with services.AddSecretHandles<TOptions>() or call Bind.");
}
