using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Secrets.Client.Testing;

/// <summary>
/// A versioned in-memory secret manager behind the real <see cref="SecretProvider"/> contract, with the same fault
/// knobs as the emulators (latency, throttling, server errors, dropped connections) and call counters, for testing
/// code that uses <see cref="ISecretStore"/> without a network. Every write creates a new version (<c>1</c>, <c>2</c>,
/// ...) staged <c>current</c>; the one before is staged <c>previous</c>. Thread-safe.
/// </summary>
public sealed class InMemorySecretProvider : SecretProvider
{
    /// <summary>The stage of the newest version.</summary>
    public const string CurrentStage = "current";

    /// <summary>The stage of the version before the newest.</summary>
    public const string PreviousStage = "previous";

    // Shared, never mutated: a read-only list per stage, not an array per read (each would stay with its cached secret).
    private static readonly IReadOnlyList<string> CurrentStages = Array.AsReadOnly([CurrentStage]);
    private static readonly IReadOnlyList<string> PreviousStages = Array.AsReadOnly([PreviousStage]);

    private readonly ConcurrentDictionary<string, SecretHistory> _secrets = new(StringComparer.Ordinal);
    private readonly InMemorySecretProviderOptions _options;
    private long _getCalls;
    private long _propertiesCalls;
    private long _batchCalls;
    private long _listCalls;

    /// <summary>Initializes a new instance of the <see cref="InMemorySecretProvider"/> class named <c>memory</c>.</summary>
    public InMemorySecretProvider()
        : this(new InMemorySecretProviderOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InMemorySecretProvider"/> class.</summary>
    /// <param name="options">The options.</param>
    public InMemorySecretProvider(InMemorySecretProviderOptions options)
        : base((options ?? throw new ArgumentNullException(nameof(options))).Name ?? "memory", options)
    {
        _options = options;
    }

    /// <summary>Gets the fault knobs: latency, throttling, server errors and dropped connections.</summary>
    public EmulatorFaults Faults { get; } = new();

    /// <summary>Gets or sets a hook awaited by every call (after latency and faults) with the secret name (or prefix), for holding calls in flight in tests.</summary>
    public Func<string, CancellationToken, Task>? BeforeCall { get; set; }

    /// <summary>Gets the number of single-secret fetches served or failed.</summary>
    public long GetSecretCalls => Interlocked.Read(ref _getCalls);

    /// <summary>Gets the number of metadata lookups.</summary>
    public long GetPropertiesCalls => Interlocked.Read(ref _propertiesCalls);

    /// <summary>Gets the number of batch fetches.</summary>
    public long BatchCalls => Interlocked.Read(ref _batchCalls);

    /// <summary>Gets the number of listings.</summary>
    public long ListCalls => Interlocked.Read(ref _listCalls);

    /// <summary>Gets the number of calls of any kind (each batch counts once): the round trips a real backend would see.</summary>
    public long TotalCalls => GetSecretCalls + GetPropertiesCalls + BatchCalls + ListCalls;

    /// <inheritdoc/>
    public override int MaxBatchSize => _options.MaxBatchSize;

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <inheritdoc/>
    public override string? Identity => "in-memory-test-identity";

    /// <summary>Stores a new text version of a secret.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="text">The value.</param>
    /// <param name="contentType">An optional content type (for example <c>application/json</c>).</param>
    /// <returns>The new version's metadata.</returns>
    public SecretProperties Set(string name, string text, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SetBytes(name, System.Text.Encoding.UTF8.GetBytes(text), contentType);
    }

    /// <summary>Stores a new binary version of a secret.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="bytes">The value.</param>
    /// <param name="contentType">An optional content type.</param>
    /// <returns>The new version's metadata.</returns>
    public SecretProperties SetBytes(string name, ReadOnlySpan<byte> bytes, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var history = _secrets.GetOrAdd(name, static _ => new SecretHistory());
        lock (history)
        {
            var number = history.Versions.Count + 1;
            var version = new StoredVersion(number.ToString(CultureInfo.InvariantCulture), bytes.ToArray(), (_options.TimeProvider ?? TimeProvider.System).GetUtcNow(), contentType);
            history.Versions.Add(version);
            return Describe(name, history, version);
        }
    }

    /// <inheritdoc/>
    /// <remarks>The version staged <see cref="PreviousStage"/>.</remarks>
    public override ValueTask<SecretReference?> GetPreviousVersionReferenceAsync(SecretReference reference, SecretProperties current, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new(new SecretReference(Name, reference.Path, stage: PreviousStage));
    }

    /// <summary>Deletes a secret and all its versions.</summary>
    /// <param name="name">The secret's name.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool Delete(string name) => _secrets.TryRemove(name, out _);

    /// <summary>Resets the call counters.</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _getCalls, 0);
        Interlocked.Exchange(ref _propertiesCalls, 0);
        Interlocked.Exchange(ref _batchCalls, 0);
        Interlocked.Exchange(ref _listCalls, 0);
    }

    /// <inheritdoc/>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Interlocked.Increment(ref _getCalls);
        await SimulateCallAsync(reference.Path, cancellationToken).ConfigureAwait(false);
        return Read(reference);
    }

    /// <inheritdoc/>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Interlocked.Increment(ref _propertiesCalls);
        await SimulateCallAsync(reference.Path, cancellationToken).ConfigureAwait(false);
        var (history, version) = Find(reference);
        lock (history)
        {
            return Describe(reference.Path, history, version);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count > MaxBatchSize)
        {
            throw new ArgumentException($"At most {MaxBatchSize} secrets per batch; got {references.Count}.", nameof(references));
        }

        Interlocked.Increment(ref _batchCalls);
        await SimulateCallAsync(references.Count > 0 ? references[0].Path : "batch", cancellationToken).ConfigureAwait(false);
        var results = new SecretResult[references.Count];
        for (var i = 0; i < references.Count; i++)
        {
            try
            {
                results[i] = SecretResult.Success(references[i], Read(references[i]));
            }
            catch (SecretStoreException ex)
            {
                results[i] = SecretResult.Failure(references[i], ex);
            }
        }

        return results;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _listCalls);
        await SimulateCallAsync(prefix ?? "*", cancellationToken).ConfigureAwait(false);
        foreach (var (name, history) in _secrets.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (prefix is not null && !name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            SecretProperties properties;
            lock (history)
            {
                if (history.Versions.Count == 0)
                {
                    continue;
                }

                properties = Describe(name, history, history.Versions[^1]);
            }

            yield return properties;
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<SecretProperties> SetSecretAsync(string name, SecretValue value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        await SimulateCallAsync(name, cancellationToken).ConfigureAwait(false);
        using var lease = value.Lease();
        return SetBytes(name, lease.Span);
    }

    /// <inheritdoc/>
    public override async ValueTask<SecretProperties> RotateSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await SimulateCallAsync(reference.Path, cancellationToken).ConfigureAwait(false);
        Find(reference);
        var fresh = new byte[32];
        System.Security.Cryptography.RandomNumberGenerator.Fill(fresh);
        var text = Convert.ToBase64String(fresh);
        return Set(reference.Path, text);
    }

    private SecretProperties Describe(string name, SecretHistory history, StoredVersion version)
    {
        var index = history.Versions.IndexOf(version);
        var stages = index == history.Versions.Count - 1 ? CurrentStages : index == history.Versions.Count - 2 ? PreviousStages : [];
        return new SecretProperties(Name, name)
        {
            Version = version.Id,
            Stages = stages,
            CreatedOn = version.CreatedOn,
            UpdatedOn = version.CreatedOn,
            ContentType = version.ContentType,
        };
    }

    private Secret Read(SecretReference reference)
    {
        var (history, version) = Find(reference);
        SecretProperties properties;
        lock (history)
        {
            properties = Describe(reference.Path, history, version);
        }

        return new Secret(properties, SecretValue.FromBytes(version.Bytes));
    }

    private (SecretHistory History, StoredVersion Version) Find(SecretReference reference)
    {
        if (!_secrets.TryGetValue(reference.Path, out var history))
        {
            throw new SecretNotFoundException(Name, reference.Path) { ErrorCode = "NotFound" };
        }

        lock (history)
        {
            if (history.Versions.Count == 0)
            {
                throw new SecretNotFoundException(Name, reference.Path) { ErrorCode = "NotFound" };
            }

            StoredVersion? version = reference switch
            {
                { Version: { } id } => history.Versions.Find(v => v.Id == id),
                { Stage: CurrentStage } or { Stage: null } => history.Versions[^1],
                { Stage: PreviousStage } => history.Versions.Count > 1 ? history.Versions[^2] : null,
                _ => null,
            };
            return version is null
                ? throw new SecretNotFoundException(Name, reference.Path, $"It has no version '{reference.Version ?? reference.Stage}'.") { ErrorCode = "VersionNotFound" }
                : (history, version);
        }
    }

    private async Task SimulateCallAsync(string name, CancellationToken cancellationToken)
    {
        await Faults.DelayAsync(_options.TimeProvider ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);

        switch (Faults.Next())
        {
            case EmulatorFault.Throttle:
                throw new SecretUnavailableException(Name, name, "Rate exceeded.") { IsThrottled = true, RetryAfter = Faults.RetryAfter, ErrorCode = "Throttling" };
            case EmulatorFault.ServerError:
                throw new SecretUnavailableException(Name, name, "Internal service error.") { ErrorCode = "InternalServiceError" };
            case EmulatorFault.DropConnection:
                throw new HttpRequestException("The connection was closed before a response was received.");
        }

        if (BeforeCall is { } hook)
        {
            await hook(name, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class SecretHistory
    {
        public List<StoredVersion> Versions { get; } = [];
    }

    private sealed record StoredVersion(string Id, byte[] Bytes, DateTimeOffset CreatedOn, string? ContentType);
}
