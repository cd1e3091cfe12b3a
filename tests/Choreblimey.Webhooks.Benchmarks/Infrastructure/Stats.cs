using System.Diagnostics;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

internal static class Stats
{
    public static double ToMicroseconds(long stopwatchTicks) => stopwatchTicks * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>Nearest-rank percentile of Stopwatch tick durations, in microseconds.</summary>
    public static double Percentile(long[] ticks, double percentile)
    {
        if (ticks.Length == 0)
        {
            return double.NaN;
        }

        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return ToMicroseconds(sorted[Math.Clamp(rank, 0, sorted.Length - 1)]);
    }
}

/// <summary>Samples the process working set every 50 ms and keeps the peak since the last reset.</summary>
internal sealed class WorkingSetSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public WorkingSetSampler() => _loop = Task.Run(LoopAsync);

    public long PeakBytes => Interlocked.Read(ref _peak);

    public static long CurrentBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    public void Reset() => Interlocked.Exchange(ref _peak, CurrentBytes());

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var current = CurrentBytes();
            long peak;
            do
            {
                peak = Interlocked.Read(ref _peak);
            }
            while (current > peak && Interlocked.CompareExchange(ref _peak, current, peak) != peak);

            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
