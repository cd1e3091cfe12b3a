using System.Collections.Concurrent;
using System.Net;

namespace Choreblimey.Webhooks.Testing;

/// <summary>
/// An in-process receiver: the harness installs it as the webhook HttpClient's primary handler, so no socket is opened.
/// It records every request and answers with scripted statuses (<see cref="RespondWith(int[])"/>), then with
/// <see cref="DefaultStatusCode"/>.
/// </summary>
public sealed class WebhookTestReceiver
{
    private readonly Lock _gate = new();
    private readonly List<WebhookTestRequest> _requests = [];
    private readonly Queue<int> _scripted = new();
    // Keyed by URL and webhook-id: one event fanned out to several subscriptions shares its webhook-id, and each
    // subscription's first attempt must count as its own first.
    private readonly ConcurrentDictionary<(string Url, string Id), int> _attemptsByDelivery = new();
    private readonly TimeProvider _timeProvider;
    private Func<WebhookTestRequest, CancellationToken, Task<HttpResponseMessage>>? _responder;
    private int _inFlight;
    private int _defaultStatusCode = 200;

    /// <summary>Creates a receiver.</summary>
    /// <param name="timeProvider">The clock stamped on requests; the system clock when omitted.</param>
    public WebhookTestReceiver(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Gets the profiles a request's signature header is recognised by (<see cref="WebhookTestRequest.SignatureProfile"/>):
    /// the built-ins, and in the harness first those the host registered, in the order they are tried.
    /// </summary>
    internal IReadOnlyList<WebhookSignatureProfile> SignatureProfiles { get; init; } = WebhookSignatureProfile.BuiltIn;

    /// <summary>Gets or sets the status answered once the scripted statuses are used up (100 to 599). The default value is 200.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is not an HTTP status code.</exception>
    public int DefaultStatusCode
    {
        get => _defaultStatusCode;
        set => _defaultStatusCode = CheckStatus(value, nameof(DefaultStatusCode));
    }

    /// <summary>Gets how many requests are being answered right now.</summary>
    public int InFlightCount => Volatile.Read(ref _inFlight);

    /// <summary>Gets a copy of the requests received so far, in arrival order.</summary>
    public IReadOnlyList<WebhookTestRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Answers the next requests with these statuses, in order (for example 500 then 200), then with <see cref="DefaultStatusCode"/>.</summary>
    /// <param name="statusCodes">The statuses (each 100 to 599).</param>
    /// <returns>This receiver.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A status is not an HTTP status code.</exception>
    public WebhookTestReceiver RespondWith(params int[] statusCodes)
    {
        ArgumentNullException.ThrowIfNull(statusCodes);
        foreach (var status in statusCodes)
        {
            CheckStatus(status, nameof(statusCodes));
        }

        lock (_gate)
        {
            foreach (var status in statusCodes)
            {
                _scripted.Enqueue(status);
            }
        }

        return this;
    }

    /// <summary>Answers every request with a function of it (which may wait, to simulate a slow receiver), instead of the scripted statuses.</summary>
    /// <param name="responder">Builds the response; the token is cancelled when the sender gives up.</param>
    /// <returns>This receiver.</returns>
    public WebhookTestReceiver RespondWith(Func<WebhookTestRequest, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        _responder = responder;
        return this;
    }

    /// <summary>Answers every request with a status chosen from it (for example by <see cref="WebhookTestRequest.AttemptNumber"/>).</summary>
    /// <param name="statusCode">Chooses the status.</param>
    /// <returns>This receiver.</returns>
    public WebhookTestReceiver RespondWith(Func<WebhookTestRequest, int> statusCode)
    {
        ArgumentNullException.ThrowIfNull(statusCode);
        return RespondWith((request, _) => Task.FromResult(new HttpResponseMessage((HttpStatusCode)statusCode(request))));
    }

    /// <summary>Forgets the recorded requests and the scripted statuses.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _scripted.Clear();
        }

        _attemptsByDelivery.Clear();
        _responder = null;
    }

    /// <summary>Creates a new primary handler that sends to this receiver (the HttpClient factory owns and disposes it).</summary>
    /// <returns>The handler.</returns>
    public HttpMessageHandler CreateHandler() => new WebhookTestReceiverHandler(this);

    internal async Task<HttpResponseMessage> ReceiveAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            var body = message.Content is null ? [] : await message.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in message.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }

            if (message.Content is not null)
            {
                foreach (var header in message.Content.Headers)
                {
                    headers[header.Key] = string.Join(", ", header.Value);
                }
            }

            var id = headers.TryGetValue(WebhookHeaders.Id, out var webhookId) ? webhookId : string.Empty;
            var request = new WebhookTestRequest
            {
                Url = message.RequestUri!,
                Headers = headers,
                Body = body,
                ReceivedAt = _timeProvider.GetUtcNow(),
                AttemptNumber = _attemptsByDelivery.AddOrUpdate((message.RequestUri!.AbsoluteUri, id), 1, static (_, n) => n + 1),
                SignatureCandidates = WebhookSignatureProfileDetector.Detect(SignatureProfiles, name => headers.TryGetValue(name, out var value) ? value : null),
            };

            int? scripted = null;
            lock (_gate)
            {
                _requests.Add(request);
                if (_responder is null && _scripted.TryDequeue(out var next))
                {
                    scripted = next;
                }
            }

            if (_responder is { } responder)
            {
                return await responder(request, cancellationToken).ConfigureAwait(false);
            }

            return new HttpResponseMessage((HttpStatusCode)(scripted ?? DefaultStatusCode)) { RequestMessage = message };
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    // Checked when scripted: an invalid status would otherwise throw inside the worker's attempt, far from the test's mistake.
    private static int CheckStatus(int status, string parameterName) =>
        status is >= 100 and <= 599
            ? status
            : throw new ArgumentOutOfRangeException(parameterName, status, $"{status} is not an HTTP status code; use 100 to 599.");
}
