using Microsoft.Extensions.Logging;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Identity.Probe;

/// <summary>Sends every log line (message and exception) to the telemetry capture the probe prints at exit.</summary>
internal sealed class CapturingLoggerProvider(TelemetryCapture capture) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(capture, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(TelemetryCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            capture.Add($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var value in values)
                {
                    capture.Add($"{value.Key}={value.Value}");
                }
            }
        }
    }
}
