using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Client;

/// <summary>
/// Secret bytes held in native memory that the garbage collector never moves or copies, locked against
/// swap and excluded from core dumps where the operating system allows, and wiped with
/// <see cref="CryptographicOperations.ZeroMemory(Span{byte})"/> exactly once when the last reader is done.
/// </summary>
/// <remarks>
/// <para>Read the bytes through a scoped <see cref="Lease"/> or a callback (<see cref="Use{TState}(TState, ReadOnlySpanAction{byte, TState})"/>,
/// <see cref="UseText{TState}(TState, ReadOnlySpanAction{char, TState})"/>). A lease taken before the value is disposed or evicted keeps
/// reading the correct bytes; the wipe happens when the last lease ends.</para>
/// <para>Values returned by an <see cref="ISecretStore"/> are owned by the store: <see cref="Dispose"/> on them does nothing,
/// and the store wipes them on eviction. A value you create yourself is yours to dispose.</para>
/// <para><see cref="ToString"/>, the debugger and <c>System.Text.Json</c> show <c>[REDACTED]</c>. All members are thread-safe.</para>
/// </remarks>
[DebuggerDisplay("[REDACTED]")]
[DebuggerTypeProxy(typeof(RedactedDebugView))]
[JsonConverter(typeof(RedactedJsonConverter<SecretValue>))]
public sealed unsafe class SecretValue : IDisposable
{
    /// <summary>The text every textual surface shows instead of a secret.</summary>
    public const string Redacted = "[REDACTED]";

    private SecretMemoryRegion? _region; // the block, kept as two fields: as one struct field its padding costs 8 bytes
    private int _slot;
    private int _length;
    private int _references = 1;
    // Each cached secret keeps one value object, so it holds only the block (region and slot), the length, the lease
    // count and two flags in one int (docs/benchmarks.md, bookkeeping); the tests' wipe probe lives outside it.
    private const int StoreOwned = 1;
    private const int OwnerReleased = 2;
    private static readonly ConditionalWeakTable<SecretValue, WipeProbe> WipeProbes = new();
    private static volatile bool s_anyWipeProbe;
    private int _flags;

    private SecretValue(int length, int capacity, SecretMemoryPool pool)
    {
        try
        {
            Block = pool.Allocate(capacity);
        }
        catch
        {
            // Refused memory (RequireLockedMemory): there is nothing for the finalizer to wipe.
            GC.SuppressFinalize(this);
            throw;
        }

        _length = length;
    }

    /// <summary>Releases the native memory if a value was never disposed.</summary>
    ~SecretValue()
    {
        if (Interlocked.Exchange(ref _references, 0) > 0)
        {
            Wipe();
        }
    }

    /// <summary>Gets the number of secret bytes.</summary>
    public int Length => _length;

    /// <summary>Gets what the operating system agreed to do for this value's memory.</summary>
    public SecretMemoryProtection Protection => Block.Region.Protection;

    /// <summary>
    /// Gets a value indicating whether the value is released: every owner and lease is done, so no new lease can be
    /// taken, and the bytes are wiped (by the thread that released it last, which may still be finishing).
    /// </summary>
    public bool IsWiped => Volatile.Read(ref _references) == 0;

    /// <summary>Called with the wiped memory right after the wipe, before it is freed. Tests only.</summary>
    internal WipeProbe? WipeProbe
    {
        get => s_anyWipeProbe && WipeProbes.TryGetValue(this, out var probe) ? probe : null;
        set
        {
            if (value is null)
            {
                WipeProbes.Remove(this);
                return;
            }

            WipeProbes.AddOrUpdate(this, value);
            s_anyWipeProbe = true;
        }
    }

    /// <summary>Copies <paramref name="bytes"/> into a new secret value. The caller should clear its own copy.</summary>
    /// <param name="bytes">The secret bytes.</param>
    /// <returns>A value owned by the caller.</returns>
    public static SecretValue FromBytes(ReadOnlySpan<byte> bytes) => FromBytes(bytes, SecretMemoryPool.Shared);

    internal static SecretValue FromBytes(ReadOnlySpan<byte> bytes, SecretMemoryPool pool)
    {
        var value = new SecretValue(bytes.Length, bytes.Length, pool);
        bytes.CopyTo(value.WritableSpan);
        return value;
    }

    /// <summary>Encodes <paramref name="text"/> as UTF-8 straight into secret memory.</summary>
    /// <param name="text">The secret text.</param>
    /// <returns>A value owned by the caller.</returns>
    public static SecretValue FromText(ReadOnlySpan<char> text)
    {
        // The exact count, not GetMaxByteCount: the slot it picks is the memory the value keeps.
        var length = Encoding.UTF8.GetByteCount(text);
        var value = new SecretValue(length, length, SecretMemoryPool.Shared);
        Encoding.UTF8.GetBytes(text, value.WritableSpan);
        return value;
    }

    /// <summary>
    /// Creates a value by letting <paramref name="write"/> fill secret memory directly, so that no other copy of the
    /// bytes ever exists (for example when decoding base64 or unescaping JSON).
    /// </summary>
    /// <typeparam name="TState">The state passed to <paramref name="write"/>.</typeparam>
    /// <param name="maxLength">An upper bound on the number of bytes <paramref name="write"/> produces.</param>
    /// <param name="state">State for <paramref name="write"/>.</param>
    /// <param name="write">Writes the bytes into the span it is given and returns how many it wrote.</param>
    /// <returns>A value owned by the caller.</returns>
    public static SecretValue Create<TState>(int maxLength, TState state, SecretWriter<TState> write)
        where TState : allows ref struct
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        ArgumentNullException.ThrowIfNull(write);
        var value = new SecretValue(0, maxLength, SecretMemoryPool.Shared);
        try
        {
            var written = write(value.WritableCapacity, state);
            if ((uint)written > (uint)maxLength)
            {
                throw new InvalidOperationException($"The writer reported {written} bytes, outside 0..{maxLength}.");
            }

            return value.WithLength(written);
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>Takes a scoped read lease. The bytes stay valid, even past disposal or eviction, until the lease is disposed.</summary>
    /// <returns>A lease to dispose when done reading.</returns>
    /// <exception cref="ObjectDisposedException">The value was already wiped.</exception>
    public SecretLease Lease()
    {
        AddReference();
        return new SecretLease(this);
    }

    /// <summary>Runs <paramref name="action"/> over the secret bytes under a lease.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="action"/>.</typeparam>
    /// <param name="state">State for <paramref name="action"/>, so that the callback need not capture.</param>
    /// <param name="action">Reads the bytes; it must not keep the span.</param>
    public void Use<TState>(TState state, ReadOnlySpanAction<byte, TState> action)
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(action);
        using var lease = Lease();
        action(lease.Span, state);
    }

    /// <summary>Computes a result from the secret bytes under a lease.</summary>
    /// <typeparam name="TState">The state passed to <paramref name="reader"/>.</typeparam>
    /// <typeparam name="TResult">What <paramref name="reader"/> computes; it must not be a copy of the secret.</typeparam>
    /// <param name="state">State for <paramref name="reader"/>.</param>
    /// <param name="reader">Computes the result.</param>
    /// <returns>What <paramref name="reader"/> returned.</returns>
    public TResult Use<TState, TResult>(TState state, SecretReader<TState, TResult> reader)
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var lease = Lease();
        return reader(lease.Span, state);
    }

    /// <summary>
    /// Runs <paramref name="action"/> over the secret decoded as UTF-8 text. The characters live in a buffer that is
    /// wiped as soon as <paramref name="action"/> returns.
    /// </summary>
    /// <typeparam name="TState">The state passed to <paramref name="action"/>.</typeparam>
    /// <param name="state">State for <paramref name="action"/>.</param>
    /// <param name="action">Reads the characters; it must not keep the span.</param>
    /// <exception cref="SecretFormatException">The bytes are not valid UTF-8.</exception>
    public void UseText<TState>(TState state, ReadOnlySpanAction<char, TState> action)
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(action);
        using var lease = Lease();
        var bytes = lease.Span;
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        int charCount;
        try
        {
            charCount = decoder.GetCharCount(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new SecretFormatException("The secret is not valid UTF-8 text.");
        }

        var rented = ArrayPool<char>.Shared.Rent(Math.Max(charCount, 1));
        fixed (char* pinned = rented)
        {
            try
            {
                var chars = rented.AsSpan(0, charCount);
                decoder.GetChars(bytes, chars);
                action(chars, state);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rented.AsSpan()));
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Extracts one top-level field of a JSON object secret into a new secret value, unescaped, without a managed copy.
    /// </summary>
    /// <param name="field">The property name.</param>
    /// <returns>A new value owned by the caller: a string field's text, or the raw JSON of any other field.</returns>
    /// <exception cref="SecretFormatException">The secret is not a JSON object, or has no such field.</exception>
    public SecretValue GetJsonField(string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        using var lease = Lease();
        return JsonSecretReader.ExtractField(lease.Span, field);
    }

    /// <summary>Compares the contents of two secrets in time that does not depend on where they differ.</summary>
    /// <param name="other">The other value.</param>
    /// <returns><see langword="true"/> when both hold the same bytes.</returns>
    public bool ContentEquals(SecretValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        using var mine = Lease();
        using var theirs = other.Lease();
        return CryptographicOperations.FixedTimeEquals(mine.Span, theirs.Span);
    }

    /// <summary>
    /// Copies the secret into a managed <see cref="string"/> that the garbage collector may move, copy and keep
    /// long after this value is wiped. Use it only for APIs that accept nothing else.
    /// </summary>
    /// <returns>The secret as text.</returns>
    public string ExposeAsString()
    {
        using var lease = Lease();
        return Encoding.UTF8.GetString(lease.Span);
    }

    /// <summary>Copies the secret into a new managed array that the caller must clear.</summary>
    /// <returns>The secret bytes.</returns>
    public byte[] ExposeAsBytes()
    {
        using var lease = Lease();
        return lease.Span.ToArray();
    }

    /// <summary>Returns <c>[REDACTED]</c>.</summary>
    /// <returns><c>[REDACTED]</c>.</returns>
    public override string ToString() => Redacted;

    /// <summary>
    /// Releases the owner's reference; the bytes are wiped once no lease is open. Does nothing on a value owned by a store.
    /// </summary>
    public void Dispose()
    {
        if ((Volatile.Read(ref _flags) & StoreOwned) != 0)
        {
            return;
        }

        ReleaseOwner();
        GC.SuppressFinalize(this);
    }

    /// <summary>Marks the value as owned by a store, so that callers' <see cref="Dispose"/> cannot wipe a shared value.</summary>
    internal void TransferToStore() => Interlocked.Or(ref _flags, StoreOwned);

    /// <summary>Releases the owner's reference, whoever the owner is. Idempotent.</summary>
    internal void ReleaseOwner()
    {
        if ((Interlocked.Or(ref _flags, OwnerReleased) & OwnerReleased) == 0)
        {
            Release();
        }
    }

    /// <summary>Gets the size of the slot behind the value. Tests only.</summary>
    internal int Capacity => Block.Capacity;

    internal ReadOnlySpan<byte> UnsafeSpan => Block.Span[.._length];

    internal void Release()
    {
        var remaining = Interlocked.Decrement(ref _references);
        if (remaining == 0)
        {
            Wipe();
        }
        else if (remaining < 0)
        {
            throw new InvalidOperationException("A secret lease was released twice (a copied SecretLease was disposed more than once).");
        }
    }

    private void AddReference()
    {
        var current = Volatile.Read(ref _references);
        while (true)
        {
            if (current <= 0)
            {
                throw new ObjectDisposedException(nameof(SecretValue), "The secret was already wiped; fetch it again from its store.");
            }

            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private Span<byte> WritableSpan => Block.Span[.._length];

    private Span<byte> WritableCapacity => Block.Span;

    private SecretValue WithLength(int length)
    {
        // Only the factory methods call this, before the value escapes to another thread. A writer given a generous
        // bound (base64, escaped JSON) leaves a value that fits a smaller slot: move it there, so that the bound does
        // not decide the memory every cached value keeps.
        _length = length;
        var pool = Block.Region.Pool;
        if (SecretMemoryPool.CapacityFor(length) < Block.Capacity)
        {
            var larger = Block;
            Block = pool.Allocate(length);
            larger.Span[..length].CopyTo(Block.Span);
            pool.Free(larger, probe: null);
        }

        return this;
    }

    private SecretMemoryBlock Block
    {
        get => new(_region!, _slot);
        set => (_region, _slot) = (value.Region, value.Slot);
    }

    private void Wipe() => Block.Region.Pool.Free(Block, WipeProbe);

    private sealed class RedactedDebugView
    {
        public RedactedDebugView(SecretValue value) => Length = value.Length;

        public string Value { get; } = Redacted;

        public int Length { get; }
    }
}

/// <summary>Writes secret bytes into secret memory; returns how many it wrote.</summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <param name="destination">Secret memory to write into.</param>
/// <param name="state">The caller's state.</param>
/// <returns>The number of bytes written.</returns>
public delegate int SecretWriter<TState>(Span<byte> destination, TState state)
    where TState : allows ref struct;

/// <summary>Computes a result from secret bytes.</summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
/// <param name="secret">The secret bytes; do not keep the span.</param>
/// <param name="state">The caller's state.</param>
/// <returns>The result.</returns>
public delegate TResult SecretReader<TState, TResult>(ReadOnlySpan<byte> secret, TState state)
    where TState : allows ref struct;

/// <summary>Observes wiped memory. Tests only.</summary>
internal delegate void WipeProbe(ReadOnlySpan<byte> wipedMemory);
