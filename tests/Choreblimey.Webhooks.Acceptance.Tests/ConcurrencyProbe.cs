using Choreblimey.Webhooks.Testing;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>
/// Holds each request until the next one arrives (or, when none does, for a short real-time moment) and records the most
/// requests ever in flight to one URL at once. Holding until the next arrival means a request that should have waited for
/// the one before is always seen overlapping it, however the threads are scheduled: a broken cap cannot pass unseen.
/// </summary>
internal sealed class ConcurrencyProbe
{
    private static readonly TimeSpan LongestHold = TimeSpan.FromMilliseconds(50);
    private readonly Lock _gate = new();
    private readonly Dictionary<Uri, int> _current = [];
    private TaskCompletionSource _nextArrival = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int MaxPerUrl { get; private set; }

    public void Install(WebhookTestReceiver receiver) => receiver.RespondWith(async (request, token) =>
    {
        Task released;
        lock (_gate)
        {
            _current[request.Url] = _current.GetValueOrDefault(request.Url) + 1;
            MaxPerUrl = Math.Max(MaxPerUrl, _current[request.Url]);
            _nextArrival.TrySetResult();
            _nextArrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            released = _nextArrival.Task;
        }

        try
        {
            await Task.WhenAny(released, Task.Delay(LongestHold, token));
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        }
        finally
        {
            lock (_gate)
            {
                _current[request.Url]--;
            }
        }
    });
}
