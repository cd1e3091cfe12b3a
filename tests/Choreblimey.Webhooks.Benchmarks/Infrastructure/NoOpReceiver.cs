using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>
/// A Kestrel server on 127.0.0.1 that answers every request 204 without reading the body (Kestrel discards what is left
/// for keep-alive). It counts requests and, when asked, records the receipt time of each webhook-id.
/// </summary>
internal sealed class NoOpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _count;
    private long _target = long.MaxValue;
    private long _milestone = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<long> _milestoneReached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NoOpReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Gets or sets the receipt times (Stopwatch ticks) by webhook-id; <see langword="null"/> records nothing.</summary>
    public ConcurrentDictionary<string, long>? Receipts { get; set; }

    public static async Task<NoOpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new NoOpReceiver(app);
        app.Run(receiver.Handle);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hooks");
        return receiver;
    }

    /// <summary>Resets the count; the returned task completes when <paramref name="target"/> requests have arrived.</summary>
    public Task ExpectAsync(long target)
    {
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _count, 0);
        if (Volatile.Read(ref _milestone) != long.MaxValue && _milestoneReached.Task.IsCompleted)
        {
            Volatile.Write(ref _milestone, long.MaxValue);
        }
        Volatile.Write(ref _target, target);
        return _reached.Task;
    }

    /// <summary>
    /// Resets the count; the first task completes with the Stopwatch timestamp of request number <paramref name="milestone"/>,
    /// the second when <paramref name="target"/> requests have arrived.
    /// </summary>
    public (Task<long> Milestone, Task Done) ExpectAsync(long milestone, long target)
    {
        _milestoneReached = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _milestone, milestone);
        return (_milestoneReached.Task, ExpectAsync(target));
    }

    private Task Handle(HttpContext context)
    {
        var now = Stopwatch.GetTimestamp();
        if (Receipts is { } receipts && context.Request.Headers.TryGetValue("webhook-id", out var id))
        {
            receipts.TryAdd(id.ToString(), now);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
        var count = Interlocked.Increment(ref _count);
        if (count == Volatile.Read(ref _milestone))
        {
            _milestoneReached.TrySetResult(Stopwatch.GetTimestamp());
        }

        if (count == Volatile.Read(ref _target))
        {
            _reached.TrySetResult();
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
