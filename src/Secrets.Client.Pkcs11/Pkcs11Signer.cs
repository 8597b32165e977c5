using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// Signs with private keys that never leave a PKCS#11 token (an HSM, a smart card, SoftHSM2). Loads the module
/// multi-threaded, finds the token by label or serial, logs in with a PIN read from an <see cref="ISecretStore"/>, and
/// hands out <see cref="Pkcs11Key"/>s whose <see cref="RSA"/> and <see cref="ECDsa"/> views plug into .NET cryptography.
/// </summary>
/// <remarks>
/// <para>Signing calls share a pool of sessions sized to the token's limits. When the token is reset or its sessions
/// vanish, the signer reloads the module, logs in again (reading the PIN again) and retries the call once.</para>
/// <para>Every signature is audited (signer, token, key label, mechanism, outcome, caller) and counted; the data
/// signed and the PIN never are. Disposing the signer closes its sessions and finalizes the module (<c>C_Finalize</c>);
/// PKCS#11 modules are process-wide, so use one signer per module and token (register it as a singleton).</para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public class Pkcs11Signer : IDisposable, IAsyncDisposable
{
    private readonly string _modulePath = string.Empty;
    private readonly TimeProvider _timeProvider = TimeProvider.System;
    private readonly Pkcs11SignAuditor _auditor = null!;
    private readonly Pkcs11TokenLogin _login = null!;
    private readonly ReaderWriterLockSlim _lifetime = new(LockRecursionPolicy.NoRecursion);
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="Pkcs11Signer"/> class for mocking.</summary>
    protected Pkcs11Signer()
    {
        Name = "mock";
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11Signer"/> class. Nothing is loaded until first use.</summary>
    /// <param name="options">The module, token and PIN reference.</param>
    /// <param name="secretStore">The store the PIN is read from.</param>
    public Pkcs11Signer(Pkcs11SignerOptions options, ISecretStore secretStore)
        : this(options, secretStore, loggerFactory: null, timeProvider: null, auditSink: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11Signer"/> class. Nothing is loaded until first use.</summary>
    /// <param name="options">The module, token and PIN reference.</param>
    /// <param name="secretStore">The store the PIN is read from.</param>
    /// <param name="loggerFactory">Logs and audit records; the audit category is <c>Secrets.Client.Pkcs11.Audit</c>.</param>
    /// <param name="timeProvider">Measures signing durations.</param>
    /// <param name="auditSink">
    /// The core audit trail (the one <c>AddSecretStore</c> registers): each signature is recorded there as a
    /// <see cref="SecretAccessKind.Sign"/> access, with the key as the secret name, the mechanism as the field and the
    /// token as the identity. The package's own audit events then drop to <see cref="LogLevel.Debug"/>.
    /// </param>
    /// <exception cref="ArgumentException">The options are incomplete.</exception>
    public Pkcs11Signer(Pkcs11SignerOptions options, ISecretStore secretStore, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, ISecretAuditSink? auditSink)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secretStore);
        options.Validate();
        _modulePath = options.ModulePath;
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger(Pkcs11Telemetry.Name);
        _timeProvider = timeProvider ?? TimeProvider.System;
        Name = options.Name ?? NullIfBlank(options.TokenLabel) ?? options.TokenSerial!.Trim();
        _auditor = new Pkcs11SignAuditor(Name, logger, loggerFactory.CreateLogger(Pkcs11Telemetry.Name + ".Audit"), _timeProvider, auditSink);
        _login = new Pkcs11TokenLogin(this, options, secretStore, logger, _lifetime);
    }

    /// <summary>Gets the signer's name in logs, audit records and metrics.</summary>
    public string Name { get; }

    /// <summary>Gets the path of the PKCS#11 module.</summary>
    public string ModulePath => _modulePath;

    /// <summary>Gets the number of sessions the pool may open, once connected; 0 before.</summary>
    public int MaxSessions => _login?.Current?.Pool.Size ?? 0;

    /// <summary>Loads the module, finds the token and logs in now rather than on first use.</summary>
    /// <param name="cancellationToken">Cancels waiting for the PIN or for a concurrent connect.</param>
    /// <returns>A task that completes when the signer is logged in.</returns>
    /// <exception cref="Pkcs11TokenNotFoundException">No token has the configured label or serial.</exception>
    /// <exception cref="Pkcs11LoginException">The token refused the PIN.</exception>
    /// <exception cref="Pkcs11OperationException">The module cannot be loaded.</exception>
    public virtual async ValueTask ConnectAsync(CancellationToken cancellationToken = default) =>
        await _login.GetAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Finds a private key by its label (<c>CKA_LABEL</c>).</summary>
    /// <param name="label">The key's label.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key.</returns>
    /// <exception cref="Pkcs11KeyNotFoundException">No private key, or more than one, has that label.</exception>
    public virtual ValueTask<Pkcs11Key> GetKeyAsync(string label, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        return FindKeyAsync(new Pkcs11KeySelector(label, Id: null), cancellationToken);
    }

    /// <summary>Finds a private key by its id (<c>CKA_ID</c>).</summary>
    /// <param name="id">The key's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key.</returns>
    /// <exception cref="Pkcs11KeyNotFoundException">No private key, or more than one, has that id.</exception>
    public virtual ValueTask<Pkcs11Key> GetKeyByIdAsync(ReadOnlyMemory<byte> id, CancellationToken cancellationToken = default)
    {
        if (id.IsEmpty)
        {
            throw new ArgumentException("A key id must not be empty.", nameof(id));
        }

        return FindKeyAsync(new Pkcs11KeySelector(Label: null, id.ToArray()), cancellationToken);
    }

    /// <summary>Returns the signer's name and module, for diagnostics.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"Pkcs11Signer '{Name}' ({_modulePath})";

    /// <summary>Closes every session and finalizes the module (<c>C_Finalize</c>). Waits for signatures in progress.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _login?.Close();
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes every session and finalizes the module (<c>C_Finalize</c>). Waits for signatures in progress.</summary>
    /// <returns>A task that completes when the module is finalized.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_login is not null)
        {
            await _login.CloseAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    internal byte[] Sign(Pkcs11SignRequest request, string caller, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        using var activity = _auditor.StartActivity(request);
        try
        {
            var (signature, mechanism) = Execute(request, Pkcs11SignOperation.Sign, cancellationToken);
            _auditor.Record(request, mechanism.ToString(), caller, started, activity);
            return signature;
        }
        catch (Exception ex)
        {
            _auditor.Record(request, request.PlannedMechanism, caller, started, activity, ex);
            throw;
        }
    }

    internal async ValueTask<byte[]> SignAsync(Pkcs11SignRequest request, string caller, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        using var activity = _auditor.StartActivity(request);
        try
        {
            var (signature, mechanism) = await ExecuteAsync(request, Pkcs11SignOperation.Sign, cancellationToken).ConfigureAwait(false);
            _auditor.Record(request, mechanism.ToString(), caller, started, activity);
            return signature;
        }
        catch (Exception ex)
        {
            _auditor.Record(request, request.PlannedMechanism, caller, started, activity, ex);
            throw;
        }
    }

    private async ValueTask<Pkcs11Key> FindKeyAsync(Pkcs11KeySelector selector, CancellationToken cancellationToken) =>
        await ExecuteAsync((Signer: this, Selector: selector), static (connection, session, state) => state.Signer.DescribeKey(connection, session, state.Selector), cancellationToken).ConfigureAwait(false);

    private T Execute<TState, T>(TState state, Func<Pkcs11Connection, ISession, TState, T> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = _login.Get(cancellationToken);
            ISession session;
            try
            {
                session = connection.Pool.Rent(cancellationToken);
            }
            catch (Pkcs11Exception ex) when (Pkcs11SignOperation.IsConnectionLost(ex.RV))
            {
                _login.Lost(connection, ex, attempt);
                continue;
            }
            catch (Pkcs11Exception ex)
            {
                throw new Pkcs11SessionException($"Signer '{Name}' could not open a session on token '{connection.TokenLabel}' ({ex.RV}).", ex) { ErrorCode = ex.RV.ToString() };
            }

            if (TryRun(connection, session, state, operation, attempt, out var result))
            {
                return result;
            }
        }
    }

    private async ValueTask<T> ExecuteAsync<TState, T>(TState state, Func<Pkcs11Connection, ISession, TState, T> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = await _login.GetAsync(cancellationToken).ConfigureAwait(false);
            ISession session;
            try
            {
                session = await connection.Pool.RentAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Pkcs11Exception ex) when (Pkcs11SignOperation.IsConnectionLost(ex.RV))
            {
                _login.Lost(connection, ex, attempt);
                continue;
            }
            catch (Pkcs11Exception ex)
            {
                throw new Pkcs11SessionException($"Signer '{Name}' could not open a session on token '{connection.TokenLabel}' ({ex.RV}).", ex) { ErrorCode = ex.RV.ToString() };
            }

            if (TryRun(connection, session, state, operation, attempt, out var result))
            {
                return result;
            }
        }
    }

    private bool TryRun<TState, T>(Pkcs11Connection connection, ISession session, TState state, Func<Pkcs11Connection, ISession, TState, T> operation, int attempt, out T result)
    {
        var healthy = true;
        var entered = false;
        try
        {
            EnterOperation();
            entered = true;
            result = operation(connection, session, state);
            return true;
        }
        catch (Pkcs11Exception ex) when (Pkcs11SignOperation.IsConnectionLost(ex.RV))
        {
            healthy = false;
            _login.Lost(connection, ex, attempt);
            result = default!;
            return false;
        }
        catch (Pkcs11Exception ex)
        {
            throw new Pkcs11OperationException($"Token '{connection.TokenLabel}' refused {ex.Method} ({ex.RV}).", ex) { ErrorCode = ex.RV.ToString() };
        }
        finally
        {
            if (entered)
            {
                _lifetime.ExitReadLock();
            }

            // Always give the session back, even after disposal, so that callers waiting for one are released.
            if (healthy)
            {
                connection.Pool.Return(session);
            }
            else
            {
                connection.Pool.Discard(session);
            }
        }
    }

    private void EnterOperation()
    {
        _lifetime.EnterReadLock();
        if (Volatile.Read(ref _disposed) != 0)
        {
            _lifetime.ExitReadLock();
            throw new ObjectDisposedException(ToString(), "The PKCS#11 signer was disposed; its keys can no longer sign.");
        }
    }

    /// <summary>Gets a value indicating whether the signer was disposed.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private Pkcs11Key DescribeKey(Pkcs11Connection connection, ISession session, Pkcs11KeySelector selector)
    {
        var handle = Pkcs11TokenObjects.FindPrivateKey(connection, session, selector);
        var attributes = session.GetAttributeValue(handle, [CKA.CKA_KEY_TYPE, CKA.CKA_LABEL, CKA.CKA_ID, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE]);
        var keyType = (CKK)attributes[0].GetValueAsUlong();
        var label = attributes[1].CannotBeRead ? selector.Label ?? string.Empty : attributes[1].GetValueAsString() ?? string.Empty;
        var id = attributes[2].CannotBeRead ? [] : attributes[2].GetValueAsByteArray() ?? [];
        var sensitive = !attributes[3].CannotBeRead && attributes[3].GetValueAsBool();
        var extractable = attributes[4].CannotBeRead || attributes[4].GetValueAsBool();
        var key = keyType switch
        {
            CKK.CKK_RSA => new Pkcs11Key(this, selector, connection.TokenLabel, label, id, sensitive, extractable, Pkcs11TokenObjects.ReadRsaPublicKey(connection, session, handle, label, id)),
            CKK.CKK_EC => new Pkcs11Key(this, selector, connection.TokenLabel, label, id, sensitive, extractable, Pkcs11TokenObjects.ReadEcPublicKey(connection, session, handle, label, id)),
            _ => throw new Pkcs11MechanismNotSupportedException(keyType.ToString(), label, "only RSA and EC keys can sign through this package."),
        };
        key.CacheHandle(connection, handle);
        return key;
    }

    internal static void CloseQuietly(ISession? session)
    {
        try
        {
            session?.CloseSession();
        }
        catch (Pkcs11Exception)
        {
        }
    }
}
