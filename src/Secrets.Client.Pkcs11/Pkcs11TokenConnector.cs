using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// Loads the module, finds the configured token, logs in with the PIN (a pinned copy wiped right after
/// <c>C_Login</c>) and sizes the session pool to the token's limits. A module that fails after loading is handed to
/// <c>retire</c>: PKCS#11 modules are process-wide, so only the signer's dispose may finalize it.
/// </summary>
internal sealed class Pkcs11TokenConnector(
    string signerName,
    string modulePath,
    string? tokenLabel,
    string? tokenSerial,
    SecretReference pinReference,
    int maxSessions,
    ILogger logger,
    Action<IPkcs11Library> retire)
{
    private readonly Pkcs11InteropFactories _factories = new();

    public Pkcs11Connection Connect(SecretValue pin)
    {
        IPkcs11Library library;
        Pkcs11NativeResolver.EnsureRegistered();
        try
        {
            library = _factories.Pkcs11LibraryFactory.LoadPkcs11Library(_factories, modulePath, AppType.MultiThreaded);
        }
        catch (Pkcs11Exception ex)
        {
            throw new Pkcs11SessionException($"PKCS#11 module '{modulePath}' failed to initialize ({ex.RV}).", ex) { ErrorCode = ex.RV.ToString() };
        }
        catch (Exception ex) when (ex is UnmanagedException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or LibraryArchitectureException)
        {
            throw new Pkcs11OperationException($"Cannot load PKCS#11 module '{modulePath}': {ex.Message}", ex);
        }

        ISession? loginSession = null;
        try
        {
            var (slot, foundLabel, foundSerial, maxSessionCount) = FindToken(library);
            var mechanisms = slot.GetMechanismList().ToHashSet();
            loginSession = slot.OpenSession(SessionType.ReadOnly);
            Login(loginSession, pin, foundLabel);
            var size = PoolSize(maxSessionCount);
            var connection = new Pkcs11Connection(library, slot, loginSession, new Pkcs11SessionPool(slot, size), foundLabel, foundSerial, mechanisms);
            Pkcs11Log.Connected(logger, signerName, foundLabel, foundSerial, modulePath, size);
            return connection;
        }
        catch (Pkcs11Exception ex)
        {
            Pkcs11Signer.CloseQuietly(loginSession);
            retire(library);
            throw new Pkcs11SessionException($"Signer '{signerName}' could not open a session on token {Pkcs11Text.DescribeToken(tokenLabel, tokenSerial)} ({ex.RV} in {ex.Method}).", ex) { ErrorCode = ex.RV.ToString() };
        }
        catch
        {
            Pkcs11Signer.CloseQuietly(loginSession);
            retire(library);
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

            if ((tokenLabel is null || string.Equals(label, tokenLabel, StringComparison.Ordinal)) &&
                (tokenSerial is null || string.Equals(serial, tokenSerial, StringComparison.Ordinal)))
            {
                return (slot, label, serial, info.MaxSessionCount);
            }
        }

        throw new Pkcs11TokenNotFoundException(modulePath, tokenLabel, tokenSerial, seen);
    }

    private void Login(ISession session, SecretValue pin, string foundLabel)
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
            throw new Pkcs11LoginException(foundLabel, pinReference, ex.RV.ToString(), ex);
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
        var wanted = maxSessions > 0 ? maxSessions : Math.Max(2, Environment.ProcessorCount * 2);
        if (wanted <= tokenLimit)
        {
            return wanted;
        }

        if (maxSessions > 0)
        {
            Pkcs11Log.SessionsCapped(logger, signerName, maxSessions, tokenLimit);
        }

        return tokenLimit;
    }
}
