using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Core;

namespace Secrets.Client.Azure;

/// <summary>
/// Wraps the provider's credential to learn the principal Key Vault sees: the <c>oid</c> claim (the object id of the
/// managed identity, workload identity or user) of each new access token, so that the audit identity is resolved with
/// the credential and rolls with it. The token itself is read only to decode its claims, in a buffer wiped afterwards;
/// it is never kept, logged or compared (a new token is told by its expiry).
/// </summary>
internal sealed class TokenIdentityObserver(TokenCredential inner, Action<string> identityResolved) : TokenCredential
{
    private long _lastExpiryTicks;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        Observe(inner.GetToken(requestContext, cancellationToken));

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        Observe(await inner.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads the <c>oid</c> claim of a JWT access token; <see langword="null"/> when it is not a JWT or has none.</summary>
    internal static string? ObjectId(string token)
    {
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (second < 0)
        {
            return null;
        }

        var payload = token.AsSpan(first + 1, second - first - 1);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payload.Length));
        try
        {
            if (Base64Url.DecodeFromChars(payload, buffer, out _, out var written) != OperationStatus.Done)
            {
                return null;
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isObjectId = reader.ValueTextEquals("oid"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isObjectId && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private AccessToken Observe(AccessToken token)
    {
        var expiry = token.ExpiresOn.UtcTicks;
        if (Interlocked.Exchange(ref _lastExpiryTicks, expiry) != expiry && token.Token is { } text && ObjectId(text) is { Length: > 0 } objectId)
        {
            identityResolved(objectId);
        }

        return token;
    }
}
