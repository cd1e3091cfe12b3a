using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Choreblimey.Webhooks.Security;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// Failures of the send that are not an answer or the attempt's own timeout: each is recorded as an attempt, so the delivery
/// follows the retry schedule and is dead-lettered, instead of its lease lapsing and the delivery being retried forever.
/// </summary>
public sealed class SendFailureRecordingTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static Task<WebhookTestHost> StartHostAsync(Action<WebhookOptions>? configure = null, Action<IHttpClientBuilder>? httpClient = null) =>
        WebhookTestHost.StartAsync(webhooks =>
        {
            webhooks.AddEvent("chore:created", "Chores");
            if (configure is not null)
            {
                webhooks.Configure(configure);
            }

            if (httpClient is not null)
            {
                webhooks.ConfigureHttpClient(httpClient);
            }
        });

    private static async Task<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)> PublishUntilDeadLetteredAsync(WebhookTestHost host, string url)
    {
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = url, EventTypes = ["*"] });
        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        return (delivery, await host.Store.GetAttemptsAsync(Tenant, delivery.Id));
    }

    [Fact]
    public async Task A_connect_timeout_is_recorded_as_timed_out_and_the_delivery_is_retried_then_dead_lettered()
    {
        // The real delivery handler (address guard, timeouts) whose connect step never completes, as towards a host that
        // drops SYNs: only SocketsHttpHandler.ConnectTimeout ends it, well before the attempt timeout.
        var connects = 0;
        await using var host = await StartHostAsync(
            o =>
            {
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
                o.LeaseDuration = TimeSpan.FromMinutes(2);
                o.Security.ConnectTimeout = TimeSpan.FromMilliseconds(250);
            },
            client => client.ConfigurePrimaryHttpMessageHandler(services =>
            {
                var handler = WebhookPrimaryHandler.Create(services);
                handler.ConnectCallback = async (_, token) =>
                {
                    Interlocked.Increment(ref connects);
                    await Task.Delay(Timeout.Infinite, token);
                    throw new InvalidOperationException("Unreachable: the delay only ends by cancellation.");
                };
                return handler;
            }));

        var (delivery, attempts) = await PublishUntilDeadLetteredAsync(host, _receiver.Url().ToString());

        Assert.Equal(3, delivery.AttemptCount);
        Assert.Equal([1, 2, 3], attempts.Select(a => a.AttemptNumber));
        Assert.All(attempts, attempt =>
        {
            Assert.Equal(WebhookAttemptOutcome.TimedOut, attempt.Outcome);
            Assert.Null(attempt.StatusCode);
            Assert.Equal("Could not connect to the receiver within the connect timeout of 0.25 s (WebhookOptions.Security.ConnectTimeout).", attempt.Error);
        });
        Assert.Equal(3, Volatile.Read(ref connects));
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_connection_closed_in_the_middle_of_the_response_body_is_a_network_error_and_is_retried_then_dead_lettered()
    {
        // Headers announce 100 bytes; 10 are sent, then the receiver closes the connection.
        await using var receiver = TruncatingReceiver.Start();
        await using var host = await StartHostAsync();

        var (delivery, attempts) = await PublishUntilDeadLetteredAsync(host, receiver.Url);

        Assert.Equal(3, delivery.AttemptCount);
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, attempt =>
        {
            Assert.Equal(WebhookAttemptOutcome.NetworkError, attempt.Outcome);
            Assert.Null(attempt.StatusCode);
            Assert.Null(attempt.ResponseBody);
            Assert.StartsWith("The receiver answered 200 OK, then the connection failed while the response body was read: The response ended prematurely", attempt.Error, StringComparison.Ordinal);
        });
        Assert.Equal(3, receiver.Requests);
    }

    [Fact]
    public async Task Any_other_exception_of_the_send_is_recorded_as_a_failed_attempt_naming_it_without_the_url_path()
    {
        const string Url = "https://hooks.example.com/catch/tok_9f8e7d?key=sekrit";
        await using var host = await StartHostAsync(configure: null, httpClient: client => client.ConfigurePrimaryHttpMessageHandler(() => new ThrowingHandler()));

        var (delivery, attempts) = await PublishUntilDeadLetteredAsync(host, Url);

        Assert.Equal(3, delivery.AttemptCount);
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, attempt =>
        {
            Assert.Equal(WebhookAttemptOutcome.NetworkError, attempt.Outcome);
            Assert.Equal(
                "The attempt failed with an unexpected System.InvalidOperationException: The handler broke while posting to https://hooks.example.com/… (test).",
                attempt.Error);
        });
        Assert.DoesNotContain("tok_9f8e7d", delivery.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit", delivery.LastError, StringComparison.Ordinal);
    }

    /// <summary>A raw HTTP/1.1 listener on 127.0.0.1 that reads each request whole, then answers only part of the body it announces.</summary>
    private sealed class TruncatingReceiver : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _accepting = Task.CompletedTask;
        private int _requests;

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hooks";

        public int Requests => Volatile.Read(ref _requests);

        public static TruncatingReceiver Start()
        {
            var receiver = new TruncatingReceiver();
            receiver._listener.Start();
            receiver._accepting = receiver.AcceptAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    connections.Add(AnswerAsync(client));
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }

            await Task.WhenAll(connections);
        }

        private async Task AnswerAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
                    var contentLength = 0;
                    string? line;
                    while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(_stop.Token)))
                    {
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        {
                            contentLength = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
                        }
                    }

                    // Read the whole body, so closing sends FIN, not a reset for unread data.
                    var body = new char[contentLength];
                    await reader.ReadBlockAsync(body, _stop.Token);
                    Interlocked.Increment(ref _requests);

                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789"u8.ToArray(), _stop.Token);
                    client.Client.Shutdown(SocketShutdown.Send);
                    var rest = new byte[256];
                    while (await stream.ReadAsync(rest, _stop.Token) > 0)
                    {
                        // Wait for the client to close its side.
                    }
                }
                catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException)
                {
                    // The client went away, or the receiver stopped.
                }
            }
        }
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"The handler broke while posting to {request.RequestUri} (test).");
    }
}
