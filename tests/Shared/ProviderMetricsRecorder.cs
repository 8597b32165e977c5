using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Tests.Shared;

/// <summary>Records the <c>secrets.provider.requests</c> measurements of one provider (by its name tag), whatever meter instance made them.</summary>
internal sealed class ProviderMetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string?>> _requests = new();

    public ProviderMetricsRecorder(string providerName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Secrets.Client.Providers" && instrument.Name == "secrets.provider.requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var map = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value?.ToString();
            }

            if (map.GetValueOrDefault("secrets.provider.name") == providerName)
            {
                _requests.Enqueue(map);
            }
        });
        _listener.Start();
    }

    /// <summary>Gets each recorded request's tags.</summary>
    public IReadOnlyCollection<IReadOnlyDictionary<string, string?>> Requests => _requests;

    public void Dispose() => _listener.Dispose();
}
