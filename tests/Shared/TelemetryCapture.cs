using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Tests.Shared;

/// <summary>
/// Records the text of every activity (name, status, tags) and every metric measurement's tags from the sources and
/// meters named <c>{prefix}*</c>, so that canary tests can scan all of it (with logs and exception texts they add).
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly ConcurrentQueue<string> _texts = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public TelemetryCapture(string prefix)
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith(prefix, StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                Add(activity.DisplayName);
                Add(activity.StatusDescription);
                foreach (var tag in activity.TagObjects)
                {
                    Add($"{tag.Key}={tag.Value}");
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) => AddTags(tags));
        _meters.SetMeasurementEventCallback<double>((_, _, tags, _) => AddTags(tags));
        _meters.Start();
    }

    /// <summary>Gets everything recorded so far.</summary>
    public IReadOnlyCollection<string> Texts => _texts;

    /// <summary>Gets how many metric measurements were seen.</summary>
    public int Measurements { get; private set; }

    /// <summary>Adds a text to scan (a log message, an exception, a ToString).</summary>
    public void Add(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            _texts.Enqueue(text);
        }
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }

    private void AddTags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Measurements++;
        foreach (var tag in tags)
        {
            Add($"{tag.Key}={tag.Value}");
        }
    }
}
