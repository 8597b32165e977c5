using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Hosting;

/// <summary>
/// Logging for what runs before the host's logging exists: configuration is loaded while the host is being built,
/// but the host's <see cref="ILoggerFactory"/> is only available once it is. Entries are kept (a bounded number) until
/// <see cref="Attach"/> hands over the host's factory, then replayed there in order; later entries go straight to it.
/// </summary>
internal sealed class DeferredLoggerFactory : ILoggerFactory
{
    private const int MaxBuffered = 512;

    private readonly ConcurrentDictionary<string, DeferredLogger> _loggers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Queue<Action> _buffer = new();
    private ILoggerFactory? _target;

    public bool IsAttached => Volatile.Read(ref _target) is not null;

    /// <summary>Hands over the host's logging (once; later calls are ignored) and replays what was logged before.</summary>
    public void Attach(ILoggerFactory target)
    {
        Action[] replay;
        lock (_gate)
        {
            if (_target is not null)
            {
                return;
            }

            foreach (var logger in _loggers.Values)
            {
                logger.Target = target.CreateLogger(logger.Category);
            }

            _target = target;
            replay = [.. _buffer];
            _buffer.Clear();
        }

        foreach (var entry in replay)
        {
            entry();
        }
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, static (name, owner) =>
    {
        var logger = new DeferredLogger(owner, name);
        lock (owner._gate)
        {
            logger.Target ??= owner._target?.CreateLogger(name);
        }

        return logger;
    }, this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("Add providers to the host's logging.");

    public void Dispose()
    {
        // The host owns the target factory.
    }

    private bool TryBuffer(DeferredLogger logger, Action<ILogger> write)
    {
        lock (_gate)
        {
            if (_target is not null)
            {
                return false;
            }

            if (_buffer.Count == MaxBuffered)
            {
                _buffer.Dequeue();
            }

            _buffer.Enqueue(() => write(logger.Target!));
            return true;
        }
    }

    private sealed class DeferredLogger(DeferredLoggerFactory owner, string category) : ILogger
    {
        public string Category { get; } = category;

        public ILogger? Target { get; set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => Target?.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => Target?.IsEnabled(logLevel) ?? logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var target = Target;
            if (target is null)
            {
                if (owner.TryBuffer(this, logger => Write(logger, logLevel, eventId, state, exception, formatter)))
                {
                    return;
                }

                target = Target!;
            }

            Write(target, logLevel, eventId, state, exception, formatter);
        }

        private static void Write<TState>(ILogger target, LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (target.IsEnabled(logLevel))
            {
                target.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
