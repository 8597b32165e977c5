using Microsoft.Extensions.Logging;

namespace Secrets.Client.Pkcs11;

/// <summary>Source-generated log messages. None carries a PIN or data to be signed.</summary>
internal static partial class Pkcs11Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Signer '{Signer}' logged in to token '{TokenLabel}' (serial {TokenSerial}) of module '{ModulePath}' with up to {MaxSessions} sessions.")]
    public static partial void Connected(ILogger logger, string signer, string tokenLabel, string tokenSerial, string modulePath, int maxSessions);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Signer '{Signer}' lost its token session ({ReturnValue}); reloading the module and logging in again.")]
    public static partial void Reconnecting(ILogger logger, string signer, string returnValue);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Signer '{Signer}' finalized PKCS#11 module '{ModulePath}'.")]
    public static partial void Finalized(ILogger logger, string signer, string modulePath);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Signer '{Signer}' could not reconnect in the background.")]
    public static partial void BackgroundReconnectFailed(ILogger logger, Exception exception, string signer);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Signer '{Signer}': the audit sink failed; the signature itself is unaffected.")]
    public static partial void AuditSinkFailed(ILogger logger, Exception exception, string signer);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Signer '{Signer}': MaxSessions {Requested} exceeds the token's limit; using {Used}.")]
    public static partial void SessionsCapped(ILogger logger, string signer, int requested, int used);

    [LoggerMessage(EventId = 100, Message = "AUDIT pkcs11 sign signer={Signer} token={TokenLabel} key={KeyLabel} mechanism={Mechanism} outcome={Outcome} caller={Caller}")]
    public static partial void AuditSign(ILogger logger, LogLevel level, string signer, string tokenLabel, string keyLabel, string mechanism, string outcome, string caller);
}
