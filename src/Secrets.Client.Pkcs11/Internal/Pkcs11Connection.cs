using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// One loaded-and-logged-in view of the token: the module, the slot, a session kept open to hold the login
/// (PKCS#11 logs the user out when an application's last session closes) and the pool of signing sessions.
/// </summary>
internal sealed class Pkcs11Connection
{
    public Pkcs11Connection(IPkcs11Library library, ISlot slot, ISession loginSession, Pkcs11SessionPool pool, string tokenLabel, string tokenSerial, HashSet<CKM> mechanisms)
    {
        Library = library;
        Slot = slot;
        LoginSession = loginSession;
        Pool = pool;
        TokenLabel = tokenLabel;
        TokenSerial = tokenSerial;
        Mechanisms = mechanisms;
    }

    public IPkcs11Library Library { get; }

    public ISlot Slot { get; }

    public ISession LoginSession { get; }

    public Pkcs11SessionPool Pool { get; }

    public string TokenLabel { get; }

    public string TokenSerial { get; }

    public HashSet<CKM> Mechanisms { get; }

    public Pkcs11FactoryShortcuts Factories => new(Library.Factories);

    /// <summary>Closes the sessions but leaves the module initialized: another connection may already be using it.</summary>
    public void CloseSessions()
    {
        Pool.Dispose();
        try
        {
            LoginSession.CloseSession();
        }
        catch (Pkcs11Exception)
        {
            // Already invalid after a token reset.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}

/// <summary>Shortens access to the Pkcs11Interop factories.</summary>
internal readonly struct Pkcs11FactoryShortcuts(Pkcs11InteropFactories factories)
{
    public IMechanism Mechanism(CKM mechanism) => factories.MechanismFactory.Create(mechanism);

    public IMechanism RsaPss(CKM mechanism, CKM hash, CKG mgf, int saltLength) =>
        factories.MechanismFactory.Create(mechanism, factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams((ulong)hash, (ulong)mgf, (ulong)saltLength));

    public IObjectAttribute Attribute(CKA type, CKO value) => factories.ObjectAttributeFactory.Create(type, value);

    public IObjectAttribute Attribute(CKA type, string value) => factories.ObjectAttributeFactory.Create(type, value);

    public IObjectAttribute Attribute(CKA type, byte[] value) => factories.ObjectAttributeFactory.Create(type, value);
}
