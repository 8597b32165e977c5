using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// Read-only sessions on one slot, at most <see cref="Size"/> open at a time. A PKCS#11 session runs one operation at
/// a time, so each caller rents a session for the length of its operation.
/// </summary>
internal sealed class Pkcs11SessionPool : IDisposable
{
    private readonly ISlot _slot;
    private readonly SemaphoreSlim _available;
    private readonly ConcurrentBag<ISession> _idle = [];
    private int _disposed;

    public Pkcs11SessionPool(ISlot slot, int size)
    {
        _slot = slot;
        Size = size;
        _available = new SemaphoreSlim(size, size);
    }

    public int Size { get; }

    public ISession Rent(CancellationToken cancellationToken)
    {
        _available.Wait(cancellationToken);
        return TakeOrOpen();
    }

    public async ValueTask<ISession> RentAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        return TakeOrOpen();
    }

    public void Return(ISession session)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            CloseQuietly(session);
        }
        else
        {
            _idle.Add(session);
        }

        _available.Release();
    }

    /// <summary>Drops a session that failed, so that the next caller opens a fresh one.</summary>
    public void Discard(ISession session)
    {
        CloseQuietly(session);
        _available.Release();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        while (_idle.TryTake(out var session))
        {
            CloseQuietly(session);
        }
    }

    private ISession TakeOrOpen()
    {
        if (_idle.TryTake(out var session))
        {
            return session;
        }

        try
        {
            return _slot.OpenSession(SessionType.ReadOnly);
        }
        catch
        {
            _available.Release();
            throw;
        }
    }

    private static void CloseQuietly(ISession session)
    {
        try
        {
            session.CloseSession();
        }
        catch (Pkcs11Exception)
        {
            // The session is already gone with its token; nothing is left to release.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
