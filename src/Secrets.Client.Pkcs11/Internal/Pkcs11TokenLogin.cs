using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// A signer's login to its token: the current connection, made on first use with the PIN read from the store, dropped
/// when the token loses it (the next call logs in again, reading the PIN again), and the modules of dropped connections,
/// which only <see cref="Close"/> may finalize (PKCS#11 modules are process-wide, a new connection may share one).
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore allocates no wait handle (AvailableWaitHandle is never read), and a background login may still wait on it after Close.")]
internal sealed class Pkcs11TokenLogin
{
    private readonly Pkcs11Signer _owner;
    private readonly Pkcs11TokenConnector _connector;
    private readonly ISecretStore _secretStore;
    private readonly SecretReference _pinReference;
    private readonly string _tokenDescription;
    private readonly ILogger _logger;
    private readonly ReaderWriterLockSlim _operations;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly List<IPkcs11Library> _retiredLibraries = [];
    private Pkcs11Connection? _connection;

    /// <param name="owner">The signer, for its name and whether it was disposed.</param>
    /// <param name="options">The module, token, PIN reference and session limit (validated).</param>
    /// <param name="secretStore">The store the PIN is read from.</param>
    /// <param name="logger">The signer's logger.</param>
    /// <param name="operations">Held for reading by every token call; <see cref="Close"/> takes it for writing to wait for them.</param>
    public Pkcs11TokenLogin(Pkcs11Signer owner, Pkcs11SignerOptions options, ISecretStore secretStore, ILogger logger, ReaderWriterLockSlim operations)
    {
        var tokenLabel = string.IsNullOrWhiteSpace(options.TokenLabel) ? null : options.TokenLabel.Trim();
        var tokenSerial = string.IsNullOrWhiteSpace(options.TokenSerial) ? null : options.TokenSerial.Trim();
        _owner = owner;
        _pinReference = options.PinReference!;
        _secretStore = secretStore;
        _logger = logger;
        _operations = operations;
        _tokenDescription = Pkcs11Text.DescribeToken(tokenLabel, tokenSerial);
        _connector = new Pkcs11TokenConnector(owner.Name, options.ModulePath, tokenLabel, tokenSerial, _pinReference, options.MaxSessions, logger, Retire);
    }

    /// <summary>Gets the connection, when logged in.</summary>
    public Pkcs11Connection? Current => Volatile.Read(ref _connection);

    /// <summary>Gets the connection, logging in first when needed; a synchronous caller never blocks on the PIN store.</summary>
    public Pkcs11Connection Get(CancellationToken cancellationToken)
    {
        _owner.ThrowIfDisposed();
        if (Current is { } connection)
        {
            return connection;
        }

        _connectLock.Wait(cancellationToken);
        try
        {
            _owner.ThrowIfDisposed();
            if (_connection is { } current)
            {
                return current;
            }

            var pending = _secretStore.GetSecretAsync(_pinReference, cancellationToken);
            if (!pending.IsCompleted)
            {
                // A synchronous caller (RSA.SignHash) must not block on the store: log in in the background instead.
                _ = ConnectInBackgroundAsync(pending);
                throw new Pkcs11SessionException(
                    $"Signer '{_owner.Name}' is logging in to token {_tokenDescription} again and its PIN store answers asynchronously; retry shortly, or call ConnectAsync first.");
            }

            // The value task has completed, so reading its result does not block.
            using var pin = pending.Result;
            return Connect(pin);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Gets the connection, logging in first when needed.</summary>
    public async ValueTask<Pkcs11Connection> GetAsync(CancellationToken cancellationToken)
    {
        _owner.ThrowIfDisposed();
        if (Current is { } connection)
        {
            return connection;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _owner.ThrowIfDisposed();
            if (_connection is { } current)
            {
                return current;
            }

            using var pin = await _secretStore.GetSecretAsync(_pinReference, cancellationToken).ConfigureAwait(false);
            return Connect(pin);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// The token lost <paramref name="connection"/> (reset, sessions gone): drops it so that the next call logs in again.
    /// A second loss in one call (<paramref name="attempt"/> past 0) means logging in again did not help: that throws.
    /// </summary>
    public void Lost(Pkcs11Connection connection, Pkcs11Exception error, int attempt)
    {
        if (attempt > 0)
        {
            throw new Pkcs11SessionException(
                $"Signer '{_owner.Name}' lost its session on token '{connection.TokenLabel}' ({error.RV} in {error.Method}) and logging in again did not bring it back.", error)
            {
                ErrorCode = error.RV.ToString(),
            };
        }

        if (Interlocked.CompareExchange(ref _connection, null, connection) != connection)
        {
            return; // Another caller already retired it.
        }

        Pkcs11Log.Reconnecting(_logger, _owner.Name, error.RV.ToString());
        Pkcs11Telemetry.Reconnects.Add(1, new KeyValuePair<string, object?>("pkcs11.signer", _owner.Name));
        connection.CloseSessions();
        Retire(connection.Library);
    }

    /// <summary>Waits for a login and the calls in progress, then closes every session and finalizes every module.</summary>
    public void Close()
    {
        _connectLock.Wait();
        try
        {
            Shutdown();
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <inheritdoc cref="Close"/>
    public async ValueTask CloseAsync()
    {
        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            Shutdown();
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private Pkcs11Connection Connect(Secret pin)
    {
        var connection = _connector.Connect(pin.Value);
        Volatile.Write(ref _connection, connection);
        return connection;
    }

    private async Task ConnectInBackgroundAsync(ValueTask<Secret> pending)
    {
        try
        {
            using var pin = await pending.ConfigureAwait(false);
            await _connectLock.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_connection is null && !_owner.IsDisposed)
                {
                    Connect(pin);
                }
            }
            finally
            {
                _connectLock.Release();
            }
        }
        catch (Exception ex)
        {
            Pkcs11Log.BackgroundReconnectFailed(_logger, ex, _owner.Name);
        }
    }

    private void Retire(IPkcs11Library library)
    {
        lock (_retiredLibraries)
        {
            // Not finalized here: a new connection may already share the process-wide module. Close finalizes it.
            _retiredLibraries.Add(library);
        }
    }

    private void Shutdown()
    {
        _operations.EnterWriteLock();
        try
        {
            var connection = Interlocked.Exchange(ref _connection, null);
            if (connection is not null)
            {
                connection.CloseSessions();
                connection.Library.Dispose();
            }

            lock (_retiredLibraries)
            {
                foreach (var library in _retiredLibraries)
                {
                    library.Dispose();
                }

                _retiredLibraries.Clear();
            }

            Pkcs11Log.Finalized(_logger, _owner.Name, _owner.ModulePath);
        }
        finally
        {
            _operations.ExitWriteLock();
        }
    }
}
