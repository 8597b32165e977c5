namespace Secrets.Client;

/// <summary>
/// A scoped read of a <see cref="SecretValue"/>. While it is open the bytes stay valid even if the value is disposed
/// or evicted; disposing it ends the read, and the last one to end triggers the wipe. Dispose it exactly once.
/// </summary>
public ref struct SecretLease
{
    private SecretValue? _value;

    internal SecretLease(SecretValue value) => _value = value;

    /// <summary>Gets the secret bytes. Do not keep the span past <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The lease was already disposed.</exception>
    public readonly ReadOnlySpan<byte> Span =>
        _value is { } value ? value.UnsafeSpan : throw new ObjectDisposedException(nameof(SecretLease));

    /// <summary>Ends the read.</summary>
    public void Dispose()
    {
        var value = _value;
        _value = null;
        value?.Release();
    }

    /// <summary>Returns <c>[REDACTED]</c>.</summary>
    /// <returns><c>[REDACTED]</c>.</returns>
    public override readonly string ToString() => SecretValue.Redacted;
}
