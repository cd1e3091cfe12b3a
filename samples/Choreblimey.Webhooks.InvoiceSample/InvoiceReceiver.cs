using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.InvoiceSample;

/// <summary>A partner's endpoint on 127.0.0.1 that verifies every signature and remembers the bodies it accepted.</summary>
internal sealed class InvoiceReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _accepted = new();
    private IReadOnlyList<WebhookSecret> _secrets = [];

    private InvoiceReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyCollection<string> Accepted => [.. _accepted.Values];

    public static async Task<InvoiceReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new InvoiceReceiver(app);
        app.MapPost("/hooks", (Func<HttpContext, Task<IResult>>)receiver.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hooks");
        return receiver;
    }

    public void Trust(IReadOnlyList<WebhookSecret> secrets) => _secrets = secrets;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var result = new WebhookVerifier().Verify(body.ToArray(), name => context.Request.Headers[name].FirstOrDefault(), _secrets);
        if (!result.IsValid)
        {
            return Results.Unauthorized();
        }

        _accepted[context.Request.Headers["webhook-id"].ToString()] = System.Text.Encoding.UTF8.GetString(body.ToArray());
        return Results.Ok();
    }
}
