namespace Secrets.Client;

/// <summary>
/// Receives the anomalies an <see cref="AnomalyDetectingAuditSink"/> finds (for example to page someone or to feed a
/// SIEM). Called on the read path after the access was recorded: implementations must be thread-safe and quick, and
/// should hand slow work off. An exception thrown here is logged and does not affect the read.
/// </summary>
public interface ISecretAnomalySink
{
    /// <summary>Reports one anomaly.</summary>
    /// <param name="anomaly">The anomaly; it never holds a value.</param>
    void Report(SecretAnomaly anomaly);
}
