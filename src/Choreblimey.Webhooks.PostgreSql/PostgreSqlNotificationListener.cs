using Npgsql;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// Keeps one dedicated connection listening on the store's channel and wakes waiters when another instance announces
/// new or re-queued deliveries. Reconnects after failures; a reconnect wakes waiters once, because notifications sent
/// while it was down are lost.
/// </summary>
internal sealed class PostgreSqlNotificationListener : IAsyncDisposable
{
    private static readonly TimeSpan IdleCheckInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(10);

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _startGate = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _disposed;

    /// <summary>Creates a listener; nothing happens until <see cref="EnsureStarted"/>.</summary>
    /// <param name="dataSource">The data source the listening connection comes from.</param>
    /// <param name="channel">The channel name (a validated identifier).</param>
    public PostgreSqlNotificationListener(NpgsqlDataSource dataSource, string channel)
    {
        _dataSource = dataSource;
        _channel = channel;
    }

    /// <summary>Starts the listening loop if it is not running yet.</summary>
    public void EnsureStarted()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _loop) is not null)
        {
            return;
        }

        lock (_startGate)
        {
            _loop ??= Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    /// <summary>Starts the loop and waits until the first <c>LISTEN</c> has been executed.</summary>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>A task that completes when notifications are being received.</returns>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return _ready.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Waits until a notification arrives (or has arrived since the last waiter woke) or the timeout passes.
    /// </summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns><see langword="true"/> when woken by a notification; <see langword="false"/> on timeout.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var signal = Volatile.Read(ref _signal);
        if (!signal.Task.IsCompleted)
        {
            try
            {
                await signal.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        // Consume the signal: the next waiter waits for a newer notification.
        Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _loop) is { } loop)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stopping.Dispose();
    }

    private void Signal() => Volatile.Read(ref _signal).TrySetResult();

    private async Task RunAsync(CancellationToken stopping)
    {
        var reconnectDelay = TimeSpan.FromMilliseconds(250);
        var connected = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, _) => Signal();
                    var listen = new NpgsqlCommand($"LISTEN \"{_channel}\"", connection);
                    await using (listen.ConfigureAwait(false))
                    {
                        await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                    }

                    if (connected)
                    {
                        // Notifications sent while the connection was down are lost: let waiters look for themselves.
                        Signal();
                    }

                    connected = true;
                    reconnectDelay = TimeSpan.FromMilliseconds(250);
                    _ready.TrySetResult();
                    while (true)
                    {
                        if (!await connection.WaitAsync((int)IdleCheckInterval.TotalMilliseconds, stopping).ConfigureAwait(false))
                        {
                            // Nothing for a while: make sure the connection is still alive rather than waiting on a dead socket.
                            var ping = new NpgsqlCommand("SELECT 1", connection);
                            await using var pingScope = ping.ConfigureAwait(false);
                            await ping.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException or TimeoutException)
            {
                // The connection failed or the server is unreachable: polling covers the gap; try again with back-off.
                // Real time on purpose: this is the wire's pace, not delivery scheduling, and a host's fake clock must not
                // keep the listener from reconnecting.
                try
                {
                    await Task.Delay(reconnectDelay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                reconnectDelay = TimeSpan.FromTicks(Math.Min(reconnectDelay.Ticks * 2, MaxReconnectDelay.Ticks));
            }
        }
    }
}
