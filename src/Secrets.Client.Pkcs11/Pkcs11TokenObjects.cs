using System.Formats.Asn1;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>Finds a token's key objects and reads their public halves (the private half never leaves the token).</summary>
internal static class Pkcs11TokenObjects
{
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

    internal static RSAParameters ReadRsaPublicKey(Pkcs11Connection connection, ISession session, IObjectHandle privateKey, string label, byte[] id)
    {
        var values = session.GetAttributeValue(privateKey, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
        if (values.Any(v => v.CannotBeRead || v.GetValueAsByteArray() is not { Length: > 0 }))
        {
            values = session.GetAttributeValue(FindPublicKey(connection, session, label, id), [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
        }

        return new RSAParameters { Modulus = values[0].GetValueAsByteArray(), Exponent = values[1].GetValueAsByteArray() };
    }

    internal static ECParameters ReadEcPublicKey(Pkcs11Connection connection, ISession session, IObjectHandle privateKey, string label, byte[] id)
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
}
