using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Transport;

/// <summary>
/// The metrics every provider records, under one naming scheme (<c>secrets.provider.*</c>, tagged by provider), on a
/// <see cref="Meter"/> named <see cref="MeterName"/> created through <see cref="IMeterFactory"/> so that hosts and tests can
/// isolate it. Tags carry provider, operation and outcome names, never a secret's value. See <c>docs/audit.md</c>.
/// </summary>
public sealed class SecretProviderMetrics : IDisposable
{
    /// <summary>The meter's name: <c>Secrets.Client.Providers</c>.</summary>
    public const string MeterName = "Secrets.Client.Providers";

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly string _provider;
    private readonly string _system;

    /// <summary>Initializes a new instance of the <see cref="SecretProviderMetrics"/> class.</summary>
    /// <param name="provider">The provider's name (<c>secrets.provider.name</c>).</param>
    /// <param name="system">The backend (<c>secrets.provider.system</c>), for example <c>aws-secrets-manager</c>.</param>
    /// <param name="meterFactory">Creates the meter; <see langword="null"/> makes one the instance owns and disposes.</param>
    public SecretProviderMetrics(string provider, string system, IMeterFactory? meterFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(system);
        _provider = provider;
        _system = system;
        var meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        _requests = meter.CreateCounter<long>("secrets.provider.requests", "{request}", "Requests a provider sent to its backend, by provider, operation and outcome.");
        _duration = meter.CreateHistogram<double>("secrets.provider.request.duration", "s", "Duration of a provider's requests to its backend, by provider, operation and outcome.");
    }

    /// <summary>Records one request.</summary>
    /// <param name="operation">The backend operation (<c>secrets.provider.operation</c>), for example <c>GetSecretValue</c>.</param>
    /// <param name="outcome">
    /// <c>ok</c>, or what went wrong (<c>secrets.provider.outcome</c>): the backend's error code, else the error's type name.
    /// </param>
    /// <param name="elapsed">How long it took, measured on the provider's <see cref="TimeProvider"/>.</param>
    public void Record(string operation, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "secrets.provider.name", _provider },
            { "secrets.provider.system", _system },
            { "secrets.provider.operation", operation },
            { "secrets.provider.outcome", outcome },
        };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Records one request that ended with <paramref name="error"/> (or succeeded when it is <see langword="null"/>).</summary>
    /// <param name="operation">The backend operation.</param>
    /// <param name="error">The error, if any.</param>
    /// <param name="elapsed">How long it took.</param>
    public void Record(string operation, Exception? error, TimeSpan elapsed) => Record(operation, Outcome(error), elapsed);

    /// <summary>Names an outcome: <c>ok</c>, the error's backend code, or its type name.</summary>
    /// <param name="error">The error, if any.</param>
    /// <returns>The outcome tag value.</returns>
    public static string Outcome(Exception? error) => error switch
    {
        null => "ok",
        SecretStoreException { ErrorCode: { Length: > 0 } code } => code,
        _ => error.GetType().Name,
    };

    /// <summary>Disposes the meter when this instance made it.</summary>
    public void Dispose() => _ownedMeter?.Dispose();
}
