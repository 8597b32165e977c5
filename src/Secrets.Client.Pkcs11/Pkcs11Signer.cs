using System.Diagnostics;
using System.Formats.Asn1;
using System.Runtime.InteropServices;
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
    private readonly Pkcs11InteropFactories _factories = new();
    private readonly string _modulePath = string.Empty;
    private readonly string? _tokenLabel;
    private readonly string? _tokenSerial;
    private readonly SecretReference _pinReference = null!;
    private readonly int _maxSessions;
    private readonly ISecretStore _secretStore = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly ILogger _audit = NullLogger.Instance;
    private readonly TimeProvider _timeProvider = TimeProvider.System;
    private readonly ISecretAuditSink? _auditSink;
    private readonly string _user = string.Empty;
    private readonly string _host = string.Empty;
    private readonly string _process = string.Empty;
    private readonly string _environment = string.Empty;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly ReaderWriterLockSlim _lifetime = new(LockRecursionPolicy.NoRecursion);
    private readonly List<IPkcs11Library> _retiredLibraries = [];
    private Pkcs11Connection? _connection;
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
        _tokenLabel = string.IsNullOrWhiteSpace(options.TokenLabel) ? null : options.TokenLabel.Trim();
        _tokenSerial = string.IsNullOrWhiteSpace(options.TokenSerial) ? null : options.TokenSerial.Trim();
        _pinReference = options.PinReference!;
        _maxSessions = options.MaxSessions;
        _secretStore = secretStore;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger(Pkcs11Telemetry.Name);
        _audit = loggerFactory.CreateLogger(Pkcs11Telemetry.Name + ".Audit");
        _timeProvider = timeProvider ?? TimeProvider.System;
        Name = options.Name ?? _tokenLabel ?? _tokenSerial!;
        _auditSink = auditSink;
        _user = Environment.UserName;
        _host = Environment.MachineName;
        using (var current = Process.GetCurrentProcess())
        {
            _process = $"{current.ProcessName}[{Environment.ProcessId}]";
        }

        _environment = SecretEnvironment.Resolve(null);
    }

    /// <summary>Gets the signer's name in logs, audit records and metrics.</summary>
    public string Name { get; }

    /// <summary>Gets the path of the PKCS#11 module.</summary>
    public string ModulePath => _modulePath;

    /// <summary>Gets the number of sessions the pool may open, once connected; 0 before.</summary>
    public int MaxSessions => Volatile.Read(ref _connection)?.Pool.Size ?? 0;

    /// <summary>Loads the module, finds the token and logs in now rather than on first use.</summary>
    /// <param name="cancellationToken">Cancels waiting for the PIN or for a concurrent connect.</param>
    /// <returns>A task that completes when the signer is logged in.</returns>
    /// <exception cref="Pkcs11TokenNotFoundException">No token has the configured label or serial.</exception>
    /// <exception cref="Pkcs11LoginException">The token refused the PIN.</exception>
    /// <exception cref="Pkcs11OperationException">The module cannot be loaded.</exception>
    public virtual async ValueTask ConnectAsync(CancellationToken cancellationToken = default) =>
        await GetConnectionAsync(cancellationToken).ConfigureAwait(false);

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

        _connectLock.Wait();
        try
        {
            Shutdown();
        }
        finally
        {
            _connectLock.Release();
        }

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

        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            Shutdown();
        }
        finally
        {
            _connectLock.Release();
        }

        GC.SuppressFinalize(this);
    }

    internal byte[] Sign(Pkcs11SignRequest request, string caller, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        using var activity = StartActivity(request);
        try
        {
            var (signature, mechanism) = Execute(request, SignOperation, cancellationToken);
            Record(request, mechanism.ToString(), caller, started, activity);
            return signature;
        }
        catch (Exception ex)
        {
            Record(request, request.PlannedMechanism, caller, started, activity, ex);
            throw;
        }
    }

    internal async ValueTask<byte[]> SignAsync(Pkcs11SignRequest request, string caller, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        using var activity = StartActivity(request);
        try
        {
            var (signature, mechanism) = await ExecuteAsync(request, SignOperation, cancellationToken).ConfigureAwait(false);
            Record(request, mechanism.ToString(), caller, started, activity);
            return signature;
        }
        catch (Exception ex)
        {
            Record(request, request.PlannedMechanism, caller, started, activity, ex);
            throw;
        }
    }

    private static bool IsConnectionLost(CKR returnValue) =>
        returnValue is CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_USER_NOT_LOGGED_IN
            or CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT
            or CKR.CKR_TOKEN_NOT_RECOGNIZED or CKR.CKR_DEVICE_ERROR or CKR.CKR_SLOT_ID_INVALID
            or CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID;

    private async ValueTask<Pkcs11Key> FindKeyAsync(Pkcs11KeySelector selector, CancellationToken cancellationToken) =>
        await ExecuteAsync((Signer: this, Selector: selector), static (connection, session, state) => state.Signer.DescribeKey(connection, session, state.Selector), cancellationToken).ConfigureAwait(false);

    private T Execute<TState, T>(TState state, Func<Pkcs11Connection, ISession, TState, T> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = GetConnection(cancellationToken);
            ISession session;
            try
            {
                session = connection.Pool.Rent(cancellationToken);
            }
            catch (Pkcs11Exception ex) when (IsConnectionLost(ex.RV))
            {
                HandleLost(connection, ex, attempt);
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
            var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            ISession session;
            try
            {
                session = await connection.Pool.RentAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Pkcs11Exception ex) when (IsConnectionLost(ex.RV))
            {
                HandleLost(connection, ex, attempt);
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
        catch (Pkcs11Exception ex) when (IsConnectionLost(ex.RV))
        {
            healthy = false;
            HandleLost(connection, ex, attempt);
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

    private void HandleLost(Pkcs11Connection connection, Pkcs11Exception error, int attempt)
    {
        if (attempt > 0)
        {
            throw new Pkcs11SessionException(
                $"Signer '{Name}' lost its session on token '{connection.TokenLabel}' ({error.RV} in {error.Method}) and logging in again did not bring it back.", error)
            {
                ErrorCode = error.RV.ToString(),
            };
        }

        if (Interlocked.CompareExchange(ref _connection, null, connection) != connection)
        {
            return; // Another caller already retired it.
        }

        Pkcs11Log.Reconnecting(_logger, Name, error.RV.ToString());
        Pkcs11Telemetry.Reconnects.Add(1, new KeyValuePair<string, object?>("pkcs11.signer", Name));
        connection.CloseSessions();
        lock (_retiredLibraries)
        {
            // Not finalized here: a new connection may already share the process-wide module. Dispose finalizes it.
            _retiredLibraries.Add(connection.Library);
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

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private Pkcs11Connection GetConnection(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var connection = Volatile.Read(ref _connection);
        if (connection is not null)
        {
            return connection;
        }

        _connectLock.Wait(cancellationToken);
        try
        {
            ThrowIfDisposed();
            connection = _connection;
            if (connection is not null)
            {
                return connection;
            }

            var pending = _secretStore.GetSecretAsync(_pinReference, cancellationToken);
            if (!pending.IsCompleted)
            {
                // A synchronous caller (RSA.SignHash) must not block on the store: log in in the background instead.
                _ = ConnectInBackgroundAsync(pending);
                throw new Pkcs11SessionException(
                    $"Signer '{Name}' is logging in to token {Pkcs11Text.DescribeToken(_tokenLabel, _tokenSerial)} again and its PIN store answers asynchronously; retry shortly, or call ConnectAsync first.");
            }

            // The value task has completed, so reading its result does not block.
            using var pin = pending.Result;
            connection = Connect(pin.Value);
            Volatile.Write(ref _connection, connection);
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async ValueTask<Pkcs11Connection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var connection = Volatile.Read(ref _connection);
        if (connection is not null)
        {
            return connection;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            connection = _connection;
            if (connection is not null)
            {
                return connection;
            }

            using var pin = await _secretStore.GetSecretAsync(_pinReference, cancellationToken).ConfigureAwait(false);
            connection = Connect(pin.Value);
            Volatile.Write(ref _connection, connection);
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task ConnectInBackgroundAsync(ValueTask<Secret> pending)
    {
        try
        {
            using var pin = await pending.ConfigureAwait(false);
            await _connectLock.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_connection is null && Volatile.Read(ref _disposed) == 0)
                {
                    Volatile.Write(ref _connection, Connect(pin.Value));
                }
            }
            finally
            {
                _connectLock.Release();
            }
        }
        catch (Exception ex)
        {
            Pkcs11Log.BackgroundReconnectFailed(_logger, ex, Name);
        }
    }

    private Pkcs11Connection Connect(SecretValue pin)
    {
        IPkcs11Library library;
        Pkcs11NativeResolver.EnsureRegistered();
        try
        {
            library = _factories.Pkcs11LibraryFactory.LoadPkcs11Library(_factories, _modulePath, AppType.MultiThreaded);
        }
        catch (Pkcs11Exception ex)
        {
            throw new Pkcs11SessionException($"PKCS#11 module '{_modulePath}' failed to initialize ({ex.RV}).", ex) { ErrorCode = ex.RV.ToString() };
        }
        catch (Exception ex) when (ex is UnmanagedException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or LibraryArchitectureException)
        {
            throw new Pkcs11OperationException($"Cannot load PKCS#11 module '{_modulePath}': {ex.Message}", ex);
        }

        ISession? loginSession = null;
        try
        {
            var (slot, tokenLabel, tokenSerial, maxSessionCount) = FindToken(library);
            var mechanisms = slot.GetMechanismList().ToHashSet();
            loginSession = slot.OpenSession(SessionType.ReadOnly);
            Login(loginSession, pin, tokenLabel);
            var size = PoolSize(maxSessionCount);
            var connection = new Pkcs11Connection(library, slot, loginSession, new Pkcs11SessionPool(slot, size), tokenLabel, tokenSerial, mechanisms);
            Pkcs11Log.Connected(_logger, Name, tokenLabel, tokenSerial, _modulePath, size);
            return connection;
        }
        catch (Pkcs11Exception ex)
        {
            CloseQuietly(loginSession);
            Retire(library);
            throw new Pkcs11SessionException($"Signer '{Name}' could not open a session on token {Pkcs11Text.DescribeToken(_tokenLabel, _tokenSerial)} ({ex.RV} in {ex.Method}).", ex) { ErrorCode = ex.RV.ToString() };
        }
        catch
        {
            CloseQuietly(loginSession);
            Retire(library);
            throw;
        }
    }

    private (ISlot Slot, string Label, string Serial, ulong MaxSessionCount) FindToken(IPkcs11Library library)
    {
        var seen = new List<string>();
        foreach (var slot in library.GetSlotList(SlotsType.WithTokenPresent))
        {
            ITokenInfo info;
            try
            {
                info = slot.GetTokenInfo();
            }
            catch (Pkcs11Exception)
            {
                continue; // A token removed between the two calls.
            }

            var label = info.Label.Trim();
            var serial = info.SerialNumber.Trim();
            if (label.Length > 0)
            {
                seen.Add(label);
            }

            if ((_tokenLabel is null || string.Equals(label, _tokenLabel, StringComparison.Ordinal)) &&
                (_tokenSerial is null || string.Equals(serial, _tokenSerial, StringComparison.Ordinal)))
            {
                return (slot, label, serial, info.MaxSessionCount);
            }
        }

        throw new Pkcs11TokenNotFoundException(_modulePath, _tokenLabel, _tokenSerial, seen);
    }

    private void Login(ISession session, SecretValue pin, string tokenLabel)
    {
        // A pinned copy the GC never moves, handed straight to C_Login and wiped right after; never a string.
        var bytes = GC.AllocateUninitializedArray<byte>(pin.Length, pinned: true);
        try
        {
            pin.Use(bytes, static (secret, destination) => secret.CopyTo(destination));
            session.Login(CKU.CKU_USER, bytes);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login state is per application: another session of this process is already logged in.
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED)
        {
            throw new Pkcs11LoginException(tokenLabel, _pinReference, ex.RV.ToString(), ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private int PoolSize(ulong tokenMaxSessions)
    {
        // 0 is CK_EFFECTIVELY_INFINITE and ~0 CK_UNAVAILABLE_INFORMATION; one session is kept to hold the login.
        var tokenLimit = tokenMaxSessions == 0 || tokenMaxSessions >= int.MaxValue ? int.MaxValue : Math.Max(1, (int)tokenMaxSessions - 1);
        var wanted = _maxSessions > 0 ? _maxSessions : Math.Max(2, Environment.ProcessorCount * 2);
        if (wanted <= tokenLimit)
        {
            return wanted;
        }

        if (_maxSessions > 0)
        {
            Pkcs11Log.SessionsCapped(_logger, Name, _maxSessions, tokenLimit);
        }

        return tokenLimit;
    }

    private Pkcs11Key DescribeKey(Pkcs11Connection connection, ISession session, Pkcs11KeySelector selector)
    {
        var handle = FindPrivateKey(connection, session, selector);
        var attributes = session.GetAttributeValue(handle, [CKA.CKA_KEY_TYPE, CKA.CKA_LABEL, CKA.CKA_ID, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE]);
        var keyType = (CKK)attributes[0].GetValueAsUlong();
        var label = attributes[1].CannotBeRead ? selector.Label ?? string.Empty : attributes[1].GetValueAsString() ?? string.Empty;
        var id = attributes[2].CannotBeRead ? [] : attributes[2].GetValueAsByteArray() ?? [];
        var sensitive = !attributes[3].CannotBeRead && attributes[3].GetValueAsBool();
        var extractable = attributes[4].CannotBeRead || attributes[4].GetValueAsBool();
        var key = keyType switch
        {
            CKK.CKK_RSA => new Pkcs11Key(this, selector, connection.TokenLabel, label, id, sensitive, extractable, ReadRsaPublicKey(connection, session, handle, label, id)),
            CKK.CKK_EC => new Pkcs11Key(this, selector, connection.TokenLabel, label, id, sensitive, extractable, ReadEcPublicKey(connection, session, handle, label, id)),
            _ => throw new Pkcs11MechanismNotSupportedException(keyType.ToString(), label, "only RSA and EC keys can sign through this package."),
        };
        key.CacheHandle(connection, handle);
        return key;
    }

    internal static IObjectHandle FindPrivateKey(Pkcs11Connection connection, ISession session, Pkcs11KeySelector selector)
    {
        var shortcuts = connection.Factories;
        List<IObjectAttribute> template = [shortcuts.Attribute(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)];
        template.Add(selector.Id is not null ? shortcuts.Attribute(CKA.CKA_ID, selector.Id) : shortcuts.Attribute(CKA.CKA_LABEL, selector.Label!));
        var found = session.FindAllObjects(template);
        if (found.Count != 1)
        {
            throw new Pkcs11KeyNotFoundException(connection.TokenLabel, selector.Describe(), found.Count);
        }

        return found[0];
    }

    private static IObjectHandle FindPublicKey(Pkcs11Connection connection, ISession session, string label, byte[] id)
    {
        var shortcuts = connection.Factories;
        List<IObjectAttribute> template = [shortcuts.Attribute(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY)];
        template.Add(id.Length > 0 ? shortcuts.Attribute(CKA.CKA_ID, id) : shortcuts.Attribute(CKA.CKA_LABEL, label));
        var found = session.FindAllObjects(template);
        if (found.Count != 1)
        {
            throw new Pkcs11KeyNotFoundException(connection.TokenLabel, $"{Pkcs11Text.DescribeKey(id.Length > 0 ? null : label, id)} (its public key object, needed for the public key)", found.Count);
        }

        return found[0];
    }

    private static RSAParameters ReadRsaPublicKey(Pkcs11Connection connection, ISession session, IObjectHandle privateKey, string label, byte[] id)
    {
        var values = session.GetAttributeValue(privateKey, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
        if (values.Any(v => v.CannotBeRead || v.GetValueAsByteArray() is not { Length: > 0 }))
        {
            values = session.GetAttributeValue(FindPublicKey(connection, session, label, id), [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
        }

        return new RSAParameters { Modulus = values[0].GetValueAsByteArray(), Exponent = values[1].GetValueAsByteArray() };
    }

    private static ECParameters ReadEcPublicKey(Pkcs11Connection connection, ISession session, IObjectHandle privateKey, string label, byte[] id)
    {
        var ecParams = session.GetAttributeValue(privateKey, [CKA.CKA_EC_PARAMS])[0].GetValueAsByteArray();
        string oid;
        try
        {
            oid = new AsnReader(ecParams, AsnEncodingRules.DER).ReadObjectIdentifier();
        }
        catch (AsnContentException ex)
        {
            throw new Pkcs11MechanismNotSupportedException("CKA_EC_PARAMS", label, "the key's curve is not given as a named-curve OID.", ex);
        }

        var fieldSize = FieldSizeOf(oid, label);
        var encodedPoint = session.GetAttributeValue(FindPublicKey(connection, session, label, id), [CKA.CKA_EC_POINT])[0].GetValueAsByteArray();
        ReadOnlySpan<byte> point = encodedPoint;
        if (!(point.Length == (2 * fieldSize) + 1 && point[0] == 0x04))
        {
            // The standard wraps the point in a DER OCTET STRING; some tokens give it bare.
            point = new AsnReader(encodedPoint, AsnEncodingRules.DER).ReadOctetString();
        }

        if (point.Length != (2 * fieldSize) + 1 || point[0] != 0x04)
        {
            throw new Pkcs11OperationException($"The public point of key '{label}' is not an uncompressed point on its curve.");
        }

        return new ECParameters
        {
            Curve = ECCurve.CreateFromValue(oid),
            Q = new ECPoint { X = point.Slice(1, fieldSize).ToArray(), Y = point.Slice(1 + fieldSize, fieldSize).ToArray() },
        };
    }

    private static int FieldSizeOf(string oid, string label) =>
        oid switch
        {
            "1.2.840.10045.3.1.7" => 32, // P-256
            "1.3.132.0.34" => 48, // P-384
            "1.3.132.0.35" => 66, // P-521
            _ => throw new Pkcs11MechanismNotSupportedException($"curve {oid}", label, "supported curves are P-256, P-384 and P-521."),
        };

    private static (byte[] Signature, CKM Mechanism) SignOperation(Pkcs11Connection connection, ISession session, Pkcs11SignRequest request)
    {
        var key = request.Key;
        var handle = key.GetHandle(connection, session);
        var algorithm = request.Algorithm;
        var shortcuts = connection.Factories;
        IMechanism mechanism;
        CKM chosen;
        byte[] input;
        if (algorithm is null)
        {
            chosen = CKM.CKM_ECDSA;
            input = request.Input;
        }
        else if (!request.IsHash && connection.Mechanisms.Contains(Pkcs11Mechanisms.Combined(algorithm)))
        {
            chosen = Pkcs11Mechanisms.Combined(algorithm);
            input = request.Input;
        }
        else
        {
            chosen = Pkcs11Mechanisms.Raw(algorithm);
            var hash = request.IsHash ? request.Input : algorithm.Hash(request.Input);
            input = chosen == CKM.CKM_RSA_PKCS ? Pkcs11Mechanisms.DigestInfo(algorithm.HashAlgorithm, hash) : hash;
        }

        if (!connection.Mechanisms.Contains(chosen))
        {
            var wanted = algorithm is not null && !request.IsHash ? $"{Pkcs11Mechanisms.Combined(algorithm)} or {chosen}" : chosen.ToString();
            throw new Pkcs11MechanismNotSupportedException(wanted, key.Label, $"token '{connection.TokenLabel}' offers neither.");
        }

        mechanism = chosen is CKM.CKM_RSA_PKCS_PSS or CKM.CKM_SHA256_RSA_PKCS_PSS or CKM.CKM_SHA384_RSA_PKCS_PSS or CKM.CKM_SHA512_RSA_PKCS_PSS
            ? shortcuts.RsaPss(chosen, Pkcs11Mechanisms.HashMechanism(algorithm!.HashAlgorithm), Pkcs11Mechanisms.Mgf(algorithm.HashAlgorithm), algorithm.HashSizeInBytes)
            : shortcuts.Mechanism(chosen);
        try
        {
            return (session.Sign(mechanism, handle, input), chosen);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_MECHANISM_INVALID or CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_KEY_TYPE_INCONSISTENT)
        {
            throw new Pkcs11MechanismNotSupportedException(chosen.ToString(), key.Label, $"token '{connection.TokenLabel}' refused it ({ex.RV}).", ex) { ErrorCode = ex.RV.ToString() };
        }
        catch (Pkcs11Exception ex) when (!IsConnectionLost(ex.RV))
        {
            throw new Pkcs11OperationException($"Token '{connection.TokenLabel}' refused to sign with key '{key.Label}' using {chosen} ({ex.RV} in {ex.Method}).", ex) { ErrorCode = ex.RV.ToString() };
        }
    }

    private Activity? StartActivity(Pkcs11SignRequest request)
    {
        var activity = Pkcs11Telemetry.ActivitySource.StartActivity("Pkcs11 Sign");
        activity?.SetTag("pkcs11.signer", Name);
        activity?.SetTag("pkcs11.key", request.Key.Label);
        activity?.SetTag("pkcs11.algorithm", request.PlannedMechanism);
        return activity;
    }

    private void Record(Pkcs11SignRequest request, string mechanism, string caller, long started, Activity? activity, Exception? error = null)
    {
        var outcome = error?.GetType().Name ?? "success";
        var elapsed = _timeProvider.GetElapsedTime(started);
        var callerWithTrace = (activity is null ? Activity.Current : activity.Parent) is { } context ? $"{caller} (in {context.OperationName})" : caller;
        Pkcs11Log.AuditSign(_audit, _auditSink is null ? LogLevel.Information : LogLevel.Debug, Name, request.Key.TokenLabel, request.Key.Label, mechanism, outcome, callerWithTrace);
        RecordToSink(request, mechanism, outcome, error);
        var tags = new TagList
        {
            { "pkcs11.signer", Name },
            { "pkcs11.key", request.Key.Label },
            { "pkcs11.mechanism", mechanism },
            { "outcome", outcome },
        };
        Pkcs11Telemetry.Signatures.Add(1, tags);
        Pkcs11Telemetry.SignDuration.Record(elapsed.TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag("pkcs11.mechanism", mechanism);
            activity.SetTag("outcome", outcome);
            if (outcome != "success")
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }
    }

    private void RecordToSink(Pkcs11SignRequest request, string mechanism, string outcome, Exception? error)
    {
        if (_auditSink is null)
        {
            return;
        }

        var record = new SecretAuditRecord
        {
            Timestamp = _timeProvider.GetUtcNow(),
            Provider = "pkcs11",
            SecretName = request.Key.Label,
            Field = mechanism,
            Kind = SecretAccessKind.Sign,
            Outcome = error switch
            {
                null => SecretAuditOutcome.Success,
                SecretNotFoundException => SecretAuditOutcome.NotFound,
                SecretAccessDeniedException => SecretAuditOutcome.AccessDenied,
                SecretUnavailableException => SecretAuditOutcome.Unavailable,
                InvalidSecretReferenceException => SecretAuditOutcome.InvalidReference,
                _ => SecretAuditOutcome.Failed,
            },
            Identity = $"{Name}/{request.Key.TokenLabel}",
            User = _user,
            Host = _host,
            Process = _process,
            Environment = _environment,
            ErrorType = error is null ? null : outcome,
        };
        try
        {
            _auditSink.Record(in record);
        }
#pragma warning disable CA1031 // A failing audit sink is logged; it must not turn a good signature into an error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Pkcs11Log.AuditSinkFailed(_logger, ex, Name);
        }
    }

    private void Retire(IPkcs11Library library)
    {
        lock (_retiredLibraries)
        {
            _retiredLibraries.Add(library);
        }
    }

    private static void CloseQuietly(ISession? session)
    {
        try
        {
            session?.CloseSession();
        }
        catch (Pkcs11Exception)
        {
        }
    }

    private void Shutdown()
    {
        _lifetime.EnterWriteLock();
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

            Pkcs11Log.Finalized(_logger, Name, _modulePath);
        }
        finally
        {
            _lifetime.ExitWriteLock();
        }
    }
}
