using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Sample;

/// <summary>
/// The built-in receiver: a Kestrel server on 127.0.0.1 that verifies every signature the way a partner would, and answers
/// 500 to the first attempt of one event in five so retries show.
/// </summary>
internal sealed class SampleReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WebhookVerifier _verifier = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<WebhookSecret>> _secretsByFamily = new();
    private readonly ConcurrentDictionary<string, int> _attemptsByDelivery = new();
    private readonly ConcurrentDictionary<string, byte> _verified = new();
    private int _rejected;
    private int _failedOnPurpose;

    private SampleReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public int VerifiedCount => _verified.Count;

    public int Rejected => _rejected;

    public int FailedOnPurpose => _failedOnPurpose;

    public static async Task<SampleReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new SampleReceiver(app);
        app.MapPost("/hooks/{family}", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public Uri UrlFor(string family) => new(BaseAddress, $"hooks/{family}");

    public void TrustSecrets(string family, IReadOnlyList<WebhookSecret> secrets) => _secretsByFamily[family] = secrets;

    public bool WasVerified(string family, string eventId) => _verified.ContainsKey($"{family}/{eventId}");

    private async Task<IResult> HandleAsync(string family, HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (!_secretsByFamily.TryGetValue(family, out var secrets))
        {
            return Results.NotFound();
        }

        var result = _verifier.Verify(body.ToArray(), name => context.Request.Headers[name].ToString() is { Length: > 0 } value ? value : null, secrets);
        if (!result.IsValid)
        {
            Interlocked.Increment(ref _rejected);
            Console.WriteLine($"  receiver: rejected a request for {family}: {result.Message}");
            return Results.Unauthorized();
        }

        var eventId = context.Request.Headers[WebhookHeaders.Id].ToString();
        var key = $"{family}/{eventId}";
        var attempt = _attemptsByDelivery.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (attempt == 1 && (uint)eventId.GetHashCode(StringComparison.Ordinal) % 5 == 0)
        {
            Interlocked.Increment(ref _failedOnPurpose);
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        _verified.TryAdd(key, 0);
        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
