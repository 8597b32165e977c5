using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Pkcs11.Tests.Support;

/// <summary>Collects the package's signature counter while alive.</summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly MeterListener _listener = new();

    public TelemetryCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Secrets.Client.Pkcs11")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value?.ToString();
            }

            Measurements.Add((instrument.Name, value, map));
        });
        _listener.Start();
    }

    public ConcurrentBag<(string Instrument, long Value, Dictionary<string, string?> Tags)> Measurements { get; } = [];

    public void Dispose() => _listener.Dispose();
}
