using Secrets.Client.Azure.Events;

namespace Secrets.Client.Fuzz.Targets;

/// <summary>
/// Event Grid deliveries of Key Vault events (<c>KeyVaultEventGridParser.Parse</c>, Event Grid schema and CloudEvents,
/// one event or a batch), which the queue listener and the webhook read from senders they do not control: only
/// <see cref="KeyVaultEventFormatException"/> may come out, and every notification names a valid secret.
/// </summary>
internal sealed class KeyVaultEventTarget : FuzzTarget
{
    public override string Name => "keyvault-event";

    public override string TypedError => nameof(KeyVaultEventFormatException);

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        Utf8("""[{"id":"1","topic":"/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/myvault","subject":"db","eventType":"Microsoft.KeyVault.SecretNewVersionCreated","eventTime":"2026-12-02T10:00:00Z","dataVersion":"1","metadataVersion":"1","data":{"Id":"https://myvault.vault.azure.net/secrets/db/ee059b2bb5bc48398a53b168c6cdcb10","VaultName":"myvault","ObjectType":"Secret","ObjectName":"db","Version":"ee059b2bb5bc48398a53b168c6cdcb10","NBF":1559081980,"EXP":null}}]"""),
        Utf8("""{"specversion":"1.0","id":"2","source":"/x","subject":"db","type":"Microsoft.KeyVault.SecretExpired","time":"2026-12-02T10:00:00Z","data":{"VaultName":"myvault","ObjectType":"Secret","ObjectName":"db","Version":"ee059b2bb5bc48398a53b168c6cdcb10"}}"""),
        Utf8("""[{"id":"3","topic":"t","subject":"","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-12-02T10:00:00Z","dataVersion":"2","data":{"validationCode":"c","validationUrl":"u"}}]"""),
        Utf8("""[{"specversion":"1.0","id":"4","source":"s","type":"Microsoft.KeyVault.SecretNearExpiry","data":{"VaultName":"\ud800","ObjectName":5}}]"""),
    ];

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. Tokens("{", "}", "[", "]", ":", ",", "\"", "\\ud800", "null", "true", "1e999", "\"specversion\"", "\"1.0\"", "\"eventType\"", "\"type\"",
            "\"data\"", "\"VaultName\"", "\"ObjectName\"", "\"ObjectType\"", "\"Version\"", "\"Secret\"", "\"time\"", "\"eventTime\"",
            "\"Microsoft.KeyVault.SecretNewVersionCreated\"", "\"Microsoft.EventGrid.SubscriptionValidationEvent\"", "\"validationCode\""),
        [0xC3, 0x28], [0xFF],
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            foreach (var notification in KeyVaultEventGridParser.Parse(BinaryData.FromBytes(input.ToArray())))
            {
                if (notification.SecretName.Length is 0 or > 127 || notification.Aliases.Count == 0)
                {
                    throw new FuzzPropertyException("a notification named no valid secret");
                }
            }
        }
        catch (KeyVaultEventFormatException)
        {
        }
    }
}
