namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>
/// List prices (USD, pay-as-you-go, no free tier) used to price the simulated calls. Sources, read for this report:
/// AWS Secrets Manager $0.05 per 10,000 API calls (aws.amazon.com/secrets-manager/pricing); Amazon SQS standard
/// $0.40 per million requests (aws.amazon.com/sqs/pricing); SNS to SQS deliveries free, EventBridge delivery of AWS
/// service events free. GCP Secret Manager $0.03 per 10,000 operations (cloud.google.com/secret-manager/pricing; every
/// call priced as an access, the conservative reading); Pub/Sub $40 per TiB with at least 1,000 bytes billed per
/// publish or pull request, acknowledgements and admin calls free (cloud.google.com/pubsub/pricing). Azure Key Vault
/// Standard $0.03 per 10,000 transactions (azure.microsoft.com/pricing/details/key-vault); Event Grid basic $0.60 per
/// million operations (ingress and each delivery attempt; azure.microsoft.com/pricing/details/event-grid); Queue
/// Storage GPv2 LRS $0.004 per 10,000 operations (azure.microsoft.com/pricing/details/storage/queues; regional, check yours).
/// </summary>
internal sealed record PriceList(
    string Cloud,
    double SecretManagerPerCall,
    double TransportPerCall,
    double TransportBytesPerRequest,
    double TransportPerByte,
    double DeliveryPerEvent,
    bool TransportAcksFree)
{
    public static readonly PriceList Aws = new("AWS", 0.05 / 10_000, 0.40 / 1_000_000, 0, 0, 0, false);

    public static readonly PriceList Gcp = new("GCP", 0.03 / 10_000, 0, 1000, 40.0 / Math.Pow(2, 40), 0, true);

    public static readonly PriceList Azure = new("Azure", 0.03 / 10_000, 0.004 / 10_000, 0, 0, 0.60 / 1_000_000, false);

    public double SecretManager(CallCounters c) => c.SecretManagerCalls * SecretManagerPerCall;

    public double Transport(CallCounters c) =>
        (c.Receives + c.QueueWrites + (TransportAcksFree ? 0 : c.Deletes + c.Upkeep)) * TransportPerCall
        + (c.Receives * TransportBytesPerRequest * TransportPerByte)
        + (c.Deliveries * DeliveryPerEvent);
}
