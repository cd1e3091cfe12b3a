using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>
/// This instance's recorded attempts over the last <see cref="WebhookMonitoringOptions.FailureRateWindow"/>, succeeded and
/// failed, for the health check's failure rate. Counted in memory, in a ring of time buckets, so the health check never
/// asks the store for it; each instance reports what its own worker saw.
/// </summary>
internal sealed class WebhookAttemptWindow(TimeProvider timeProvider, IOptionsMonitor<WebhookOptions> options)
{
    private const int BucketCount = 30;

    private readonly Lock _gate = new();
    private readonly long[] _epochs = new long[BucketCount];
    private readonly int[] _attempts = new int[BucketCount];
    private readonly int[] _failures = new int[BucketCount];
    private long _bucketTicks;

    /// <summary>Counts one recorded attempt.</summary>
    public void Record(WebhookAttemptOutcome outcome)
    {
        var failed = outcome != WebhookAttemptOutcome.Succeeded;
        lock (_gate)
        {
            var epoch = CurrentEpoch();
            var index = (int)(epoch % BucketCount);
            if (_epochs[index] != epoch)
            {
                _epochs[index] = epoch;
                _attempts[index] = 0;
                _failures[index] = 0;
            }

            _attempts[index]++;
            if (failed)
            {
                _failures[index]++;
            }
        }
    }

    /// <summary>Gets the attempts and failed attempts recorded within the window, as of now.</summary>
    public (long Attempts, long Failures) Read()
    {
        lock (_gate)
        {
            var epoch = CurrentEpoch();
            long attempts = 0, failures = 0;
            for (var i = 0; i < BucketCount; i++)
            {
                if (_epochs[i] > epoch - BucketCount && _epochs[i] <= epoch)
                {
                    attempts += _attempts[i];
                    failures += _failures[i];
                }
            }

            return (attempts, failures);
        }
    }

    /// <summary>The current bucket's number; a changed window starts the count again. Called under the lock.</summary>
    private long CurrentEpoch()
    {
        var bucketTicks = Math.Max(1, options.CurrentValue.Monitoring.FailureRateWindow.Ticks / BucketCount);
        if (bucketTicks != _bucketTicks)
        {
            _bucketTicks = bucketTicks;
            Array.Clear(_epochs);
            Array.Clear(_attempts);
            Array.Clear(_failures);
        }

        // Epochs start at 1, so that a cleared bucket (epoch 0) never counts.
        return (timeProvider.GetUtcNow().UtcTicks / bucketTicks) + 1;
    }
}
