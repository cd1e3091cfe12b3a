using System.Diagnostics;
using System.Text.Json;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.AspNetCore.Http;

namespace Choreblimey.Webhooks.Storage.Tests.Crash;

/// <summary>
/// A loopback receiver for the crash tests. It tells the harness processes apart by the header they add, answers 200
/// after a short delay, can stall one worker's requests (they never get an answer, so that worker's deliveries are
/// certainly in flight when it is killed), and records every time a webhook-id arrives while another request with the
/// same id is still in flight within the lease duration: two senders under one lease.
/// </summary>
internal sealed class CrashReceiver : IAsyncDisposable
{
    /// <summary>The header the harness adds to every request (WorkerTagHandler in the harness).</summary>
    public const string WorkerHeader = "x-crash-worker";

    private readonly LoopbackReceiver _receiver;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<InFlightRequest>> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _answeredOkBy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _answeredOkByWorker = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _requestsById = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stalledIds = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];
    private readonly CancellationTokenSource _releaseStalls = new();

    private CrashReceiver(LoopbackReceiver receiver)
    {
        _receiver = receiver;
        _receiver.Respond = (context, _) => RespondAsync(context);
    }

    /// <summary>Gets or sets the worker whose requests stall once it has had <see cref="StallAfter"/> answered.</summary>
    public string? StallWorker { get; set; }

    public int StallAfter { get; set; }

    /// <summary>Gets or sets how long each answered request takes, so deliveries are in flight for a while.</summary>
    public TimeSpan ResponseDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Gets or sets the lease duration the harness uses: overlapping requests further apart than this are allowed.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(61);

    public Uri Url => _receiver.Url("/crash");

    public IReadOnlyCollection<ReceivedWebhook> Received => _receiver.Received;

    public static async Task<CrashReceiver> StartAsync() => new(await LoopbackReceiver.StartAsync());

    /// <summary>Gets the ids that were answered 200 at least once.</summary>
    public IReadOnlySet<string> Delivered
    {
        get
        {
            lock (_gate)
            {
                return _answeredOkBy.Keys.ToHashSet(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Gets the ids whose requests were stalled (never answered).</summary>
    public IReadOnlySet<string> StalledIds
    {
        get
        {
            lock (_gate)
            {
                return _stalledIds.ToHashSet(StringComparer.Ordinal);
            }
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>Gets the workers that got a 200 for <paramref name="id"/>.</summary>
    public IReadOnlySet<string> DeliveredBy(string id)
    {
        lock (_gate)
        {
            return _answeredOkBy.TryGetValue(id, out var workers) ? workers.ToHashSet(StringComparer.Ordinal) : new HashSet<string>();
        }
    }

    /// <summary>Gets how many ids arrived more than once (the at-least-once duplicates).</summary>
    public int DuplicatedIdCount
    {
        get
        {
            lock (_gate)
            {
                return _requestsById.Values.Count(n => n > 1);
            }
        }
    }

    public int AnsweredOk(string worker)
    {
        lock (_gate)
        {
            return _answeredOkByWorker.GetValueOrDefault(worker);
        }
    }

    /// <summary>Gets how many of <paramref name="worker"/>'s requests are in flight at the receiver now.</summary>
    public int InFlight(string worker)
    {
        lock (_gate)
        {
            return _inFlight.Values.Sum(list => list.Count(r => r.Worker == worker));
        }
    }

    /// <summary>Gets how many of <paramref name="worker"/>'s requests are stalled now.</summary>
    public int StalledInFlight(string worker)
    {
        lock (_gate)
        {
            return _inFlight.Values.Sum(list => list.Count(r => r.Worker == worker && r.Stalled));
        }
    }

    /// <summary>Describes every received request whose body id differs from its webhook-id header or whose signature does not verify.</summary>
    public IReadOnlyList<string> CheckBodiesAndSignatures(IReadOnlyList<WebhookSecret> secrets)
    {
        var problems = new List<string>();
        var verifier = new WebhookVerifier();
        foreach (var request in _receiver.Received)
        {
            using var body = JsonDocument.Parse(request.Body);
            var bodyId = body.RootElement.GetProperty("id").GetString();
            if (bodyId != request.WebhookId)
            {
                problems.Add($"webhook-id {request.WebhookId} carried body id {bodyId}");
            }

            var verification = verifier.Verify(request.Body, request.Header, secrets);
            if (!verification.IsValid)
            {
                problems.Add($"webhook-id {request.WebhookId}: signature did not verify ({verification.Message})");
            }
        }

        return problems;
    }

    public async ValueTask DisposeAsync()
    {
        await _releaseStalls.CancelAsync();
        await _receiver.DisposeAsync();
        _releaseStalls.Dispose();
    }

    private async Task<int> RespondAsync(HttpContext context)
    {
        var id = context.Request.Headers["webhook-id"].ToString();
        var worker = context.Request.Headers[WorkerHeader].ToString();
        var started = Stopwatch.GetTimestamp();
        var entry = new InFlightRequest(worker, started);
        lock (_gate)
        {
            _requestsById[id] = _requestsById.GetValueOrDefault(id) + 1;
            if (_inFlight.TryGetValue(id, out var others))
            {
                foreach (var other in others.Where(o => Stopwatch.GetElapsedTime(o.Started, started) < LeaseDuration))
                {
                    _violations.Add($"webhook-id {id} arrived from {worker} while {other.Worker}'s request for it was still in flight " +
                        $"({Stopwatch.GetElapsedTime(other.Started, started).TotalMilliseconds:0} ms after it started, within the lease)");
                }
            }
            else
            {
                others = [];
                _inFlight[id] = others;
            }

            if (worker.Length > 0 && worker == StallWorker && _answeredOkByWorker.GetValueOrDefault(worker) >= StallAfter)
            {
                entry.Stalled = true;
                _stalledIds.Add(id);
            }

            others.Add(entry);
        }

        try
        {
            if (entry.Stalled)
            {
                // Never answered: ends only when the sender dies (the connection closes) or the receiver is disposed.
                using var stall = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _releaseStalls.Token);
                await Task.Delay(Timeout.InfiniteTimeSpan, stall.Token);
            }

            if (ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(ResponseDelay, context.RequestAborted);
            }

            lock (_gate)
            {
                if (!_answeredOkBy.TryGetValue(id, out var workers))
                {
                    workers = new HashSet<string>(StringComparer.Ordinal);
                    _answeredOkBy[id] = workers;
                }

                workers.Add(worker);
                _answeredOkByWorker[worker] = _answeredOkByWorker.GetValueOrDefault(worker) + 1;
            }

            return 200;
        }
        finally
        {
            lock (_gate)
            {
                var list = _inFlight[id];
                list.Remove(entry);
                if (list.Count == 0)
                {
                    _inFlight.Remove(id);
                }
            }
        }
    }

    private sealed class InFlightRequest(string worker, long started)
    {
        public string Worker { get; } = worker;

        public long Started { get; } = started;

        public bool Stalled { get; set; }
    }
}
