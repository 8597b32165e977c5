using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Secrets.Client.Tests;

/// <summary>
/// A scripted backend for race tests: each call reads the backend's state when it starts (as a real request does) and
/// may then be held at a gate, so that an answer can arrive late and describe an older state. Numeric versions, a deny
/// list, injected faults and per-call counters.
/// </summary>
internal sealed class ScriptedSecretProvider : SecretProvider
{
    private readonly ConcurrentDictionary<string, (int Version, byte[] Bytes, DateTimeOffset Created)> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _denied = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Hold> _holds = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _batchSize;

    public ScriptedSecretProvider(TimeProvider time, SecretProviderOptions options, string name = "fake", int batchSize = 1)
        : base(name, options)
    {
        _time = time;
        _batchSize = batchSize;
    }

    /// <summary>Gets or sets a fault hook run at the start of every call (kind, name): return an exception to fail the call.</summary>
    public Func<string, string, Exception?>? Fault { get; set; }

    /// <summary>Gets or sets a latency hook awaited at the start of every call, after the state was read.</summary>
    public Func<CancellationToken, Task>? Latency { get; set; }

    public override int MaxBatchSize => _batchSize;

    public override bool SupportsListing => true;

    public override bool SupportsVersionDisabling => true;

    public int Calls(string kind, string? name = null) =>
        name is null ? _calls.Where(pair => pair.Key.StartsWith(kind + ":", StringComparison.Ordinal)).Sum(pair => pair.Value) : _calls.GetValueOrDefault(kind + ":" + name);

    public int Set(string name, string text)
    {
        var next = _secrets.AddOrUpdate(name, _ => (1, Encoding.UTF8.GetBytes(text), _time.GetUtcNow()), (_, old) => (old.Version + 1, Encoding.UTF8.GetBytes(text), _time.GetUtcNow()));
        return next.Version;
    }

    public void Delete(string name) => _secrets.TryRemove(name, out _);

    public void Deny(string name) => _denied[name] = true;

    /// <summary>Holds the next call of <paramref name="kind"/> (get, properties, batch, list) for <paramref name="name"/> (any when null).</summary>
    public Hold HoldNext(string kind, string? name = null)
    {
        var hold = new Hold(kind, name);
        _holds.Enqueue(hold);
        return hold;
    }

    /// <summary>Counts the call; the scripted backend keeps one version per secret, so there is nothing more to do.</summary>
    public override ValueTask DisableSecretVersionAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        _calls.AddOrUpdate("disable:" + reference.Path, 1, (_, n) => n + 1);
        return ValueTask.CompletedTask;
    }

    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var answer = Begin("get", reference.Path, out var hold);
        await WaitAsync(hold, cancellationToken).ConfigureAwait(false);
        var (properties, bytes) = answer();
        return new Secret(properties, SecretValue.FromBytes(bytes));
    }

    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var answer = Begin("properties", reference.Path, out var hold);
        await WaitAsync(hold, cancellationToken).ConfigureAwait(false);
        return answer().Properties;
    }

    public override async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        var answers = references.Select(reference => Begin("batch", reference.Path, out _)).ToArray();
        var hold = TakeHold("batch", references[0].Path);
        await WaitAsync(hold, cancellationToken).ConfigureAwait(false);
        var results = new SecretResult[references.Count];
        for (var i = 0; i < references.Count; i++)
        {
            try
            {
                var (properties, bytes) = answers[i]();
                results[i] = SecretResult.Success(references[i], new Secret(properties, SecretValue.FromBytes(bytes)));
            }
            catch (SecretStoreException ex)
            {
                results[i] = SecretResult.Failure(references[i], ex);
            }
        }

        return results;
    }

    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _calls.AddOrUpdate("list:" + (prefix ?? "*"), 1, (_, n) => n + 1);
        if (Fault?.Invoke("list", prefix ?? "*") is { } fault)
        {
            throw fault;
        }

        await Task.Yield();
        foreach (var name in _secrets.Keys.Order(StringComparer.Ordinal).Where(name => prefix is null || name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            yield return new SecretProperties(Name, name) { Version = _secrets[name].Version.ToString(CultureInfo.InvariantCulture) };
        }
    }

    private Func<(SecretProperties Properties, byte[] Bytes)> Begin(string kind, string name, out Hold? hold)
    {
        _calls.AddOrUpdate(kind + ":" + name, 1, (_, n) => n + 1);
        hold = kind == "batch" ? null : TakeHold(kind, name);
        if (Fault?.Invoke(kind, name) is { } fault)
        {
            return () => throw fault;
        }

        if (_denied.ContainsKey(name))
        {
            return () => throw new SecretAccessDeniedException(Name, name);
        }

        if (!_secrets.TryGetValue(name, out var state))
        {
            return () => throw new SecretNotFoundException(Name, name);
        }

        var properties = new SecretProperties(Name, name)
        {
            Version = state.Version.ToString(CultureInfo.InvariantCulture),
            CreatedOn = state.Created,
            UpdatedOn = state.Created,
        };
        return () => (properties, state.Bytes);
    }

    private Hold? TakeHold(string kind, string name)
    {
        foreach (var hold in _holds)
        {
            if (hold.Kind == kind && (hold.Name is null || hold.Name == name) && hold.TryClaim())
            {
                return hold;
            }
        }

        return null;
    }

    private async Task WaitAsync(Hold? hold, CancellationToken cancellationToken)
    {
        if (Latency is { } latency)
        {
            await latency(cancellationToken).ConfigureAwait(false);
        }

        if (hold is not null)
        {
            hold.MarkEntered();
            await hold.Released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A call held in flight until released (or failed).</summary>
    internal sealed class Hold(string kind, string? name)
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _claimed;

        public string Kind { get; } = kind;

        public string? Name { get; } = name;

        public Task Entered => _entered.Task;

        public Task Released => _released.Task;

        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

        public void MarkEntered() => _entered.TrySetResult();

        public void Release() => _released.TrySetResult();

        public void Fail(Exception error) => _released.TrySetException(error);
    }
}
