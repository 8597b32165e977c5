using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// One signature on one session: picks the token's hash-and-sign mechanism when it has one and otherwise hashes here
/// and signs raw, and maps the token's refusals onto typed errors (a lost session is left to the signer's reconnect).
/// </summary>
internal static class Pkcs11SignOperation
{
    internal static bool IsConnectionLost(CKR returnValue) =>
        returnValue is CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_USER_NOT_LOGGED_IN
            or CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT
            or CKR.CKR_TOKEN_NOT_RECOGNIZED or CKR.CKR_DEVICE_ERROR or CKR.CKR_SLOT_ID_INVALID
            or CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID;

    internal static (byte[] Signature, CKM Mechanism) Sign(Pkcs11Connection connection, ISession session, Pkcs11SignRequest request)
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
}
