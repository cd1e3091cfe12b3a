using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a free port that records every request and answers what the test scripts.
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, int> _countsById = new();
    private readonly Lock _waitersGate = new();
    private readonly List<(Func<IReadOnlyCollection<ReceivedWebhook>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    private LoopbackReceiver(WebApplication app) => _app = app;

    /// <summary>Decides the answer: given the request and how many times its webhook-id was seen (1 for the first), returns a status code.</summary>
    public Func<HttpContext, int, Task<int>> Respond { get; set; } = (_, _) => Task.FromResult(200);

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public Uri Url(string path = "/hooks") => new(BaseAddress, path);

    public IReadOnlyCollection<ReceivedWebhook> Received => [.. _received];

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return receiver;
    }

    /// <summary>Waits until <paramref name="condition"/> holds over everything received, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyCollection<ReceivedWebhook>, bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersGate)
        {
            if (condition(Received))
            {
                return;
            }

            _waiters.Add((condition, done));
        }

        var limit = timeout ?? TimeSpan.FromSeconds(15);
        if (await Task.WhenAny(done.Task, Task.Delay(limit)) != done.Task)
        {
            throw new TimeoutException($"The loopback receiver did not see {because ?? "the expected requests"} within {limit.TotalSeconds} s; it received {Received.Count} requests.");
        }
    }

    public Task WaitForCountAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(r => r.Count >= count, timeout, $"{count} requests");

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var id = headers.GetValueOrDefault("webhook-id") ?? "";
        var seen = _countsById.AddOrUpdate(id, 1, (_, n) => n + 1);
        int status;
        try
        {
            status = await Respond(context, seen);
        }
        catch (OperationCanceledException)
        {
            status = 499;
        }

        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
        }

        _received.Enqueue(new ReceivedWebhook(context.Request.Path, headers, buffer.ToArray(), status, DateTimeOffset.UtcNow));
        lock (_waitersGate)
        {
            var snapshot = Received;
            foreach (var waiter in _waiters.Where(w => w.Condition(snapshot)).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
