using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>Records the library's log entries (level, event id, message, exception), for requirements that say "failures are logged".</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, int EventId, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(LogLevel Level, int EventId, string Message, Exception? Exception)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, int, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
