using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using Choreblimey.Webhooks.Diagnostics;
using Choreblimey.Webhooks.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// The typed HttpClient that posts deliveries. Redirects are not followed (the primary handler is configured so), the
/// response body is read only up to a cap, and the whole attempt is bounded by its timeout. The URL's scheme is checked
/// before sending, and a refusal of the address guard (thrown from the connect callback) is recorded as
/// <see cref="WebhookAttemptOutcome.Blocked"/>, which is dead-lettered at once: retrying cannot help. The handler's connect
/// timeout is <see cref="WebhookAttemptOutcome.TimedOut"/> like the attempt's own; a connection that fails while the response
/// body is read is <see cref="WebhookAttemptOutcome.NetworkError"/>. Anything else thrown reaches the worker, which records it
/// as a failed attempt too.
/// </summary>
internal sealed class WebhookHttpSender(
    HttpClient httpClient,
    TimeProvider timeProvider,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookHttpSender> logger)
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<WebhookSendResult> SendAsync(WebhookSendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = timeProvider.GetTimestamp();
        if (Refuse(request.Url) is { } refusal)
        {
            WebhookLog.SendRefused(logger, request.Url.IdnHost, refusal);
            return Blocked(refusal, started);
        }

        // One source for the attempt's timeout (on the TimeProvider, so tests can step it) and the caller's token, which is
        // registered on it rather than linked to it: when it is cancelled and the caller's token is not, the timeout fired.
        using var attemptCancellation = new CancellationTokenSource(request.Timeout, timeProvider);
        using var callerCancellation = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), attemptCancellation);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, request.Url);
            var content = new ReadOnlyMemoryContent(request.Body);
            // Raw text, parsed only if a handler reads it: each request gets its own value (a shared MediaTypeHeaderValue is
            // mutable, and a host's own handler edited every later delivery's), and nothing is allocated to build one.
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
            message.Content = content;
            var headers = request.Headers;
            for (var i = 0; i < headers.Count; i++)
            {
                if (!message.Headers.TryAddWithoutValidation(headers[i].Key, headers[i].Value))
                {
                    // Subscriptions are validated against this, so only a header stored by an older version gets here:
                    // failing the attempt says so, where dropping the header would not.
                    throw new InvalidOperationException($"The header '{headers[i].Key}' cannot be sent as a request header.");
                }
            }

            using var response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptCancellation.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            string? body;
            try
            {
                // 204 has no body by definition, and a declared length of zero needs no stream: most receivers answer so.
                body = status == 204 || response.Content.Headers.ContentLength == 0
                    ? null
                    : await ReadCappedAsync(response.Content, request.MaxResponseBodyBytes, attemptCancellation.Token).ConfigureAwait(false);
            }
            catch (IOException exception) when (!attemptCancellation.IsCancellationRequested)
            {
                // HttpIOException included: the receiver closed or reset the connection before the body it announced was
                // complete. Whatever the status said, the answer did not arrive whole, so it is a failure to be retried.
                return new WebhookSendResult(
                    WebhookAttemptOutcome.NetworkError,
                    null,
                    null,
                    string.Create(CultureInfo.InvariantCulture, $"The receiver answered {status} {response.ReasonPhrase}, then the connection failed while the response body was read: {Describe(exception)}"),
                    timeProvider.GetElapsedTime(started),
                    null);
            }

            var success = status is >= 200 and < 300;
            return new WebhookSendResult(
                success ? WebhookAttemptOutcome.Succeeded : WebhookAttemptOutcome.HttpError,
                status,
                body,
                success ? null : DescribeStatus(response),
                timeProvider.GetElapsedTime(started),
                response.Headers.RetryAfter);
        }
        catch (OperationCanceledException) when (attemptCancellation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new WebhookSendResult(
                WebhookAttemptOutcome.TimedOut,
                null,
                null,
                string.Create(CultureInfo.InvariantCulture, $"The receiver did not answer within {request.Timeout.TotalSeconds:0.###} s."),
                timeProvider.GetElapsedTime(started),
                null);
        }
        catch (OperationCanceledException exception) when (exception.InnerException is TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // SocketsHttpHandler.ConnectTimeout elapsed (by default shorter than the attempt timeout): the handler cancels
            // with a TimeoutException inside, not through our token, so the attempt timer has not fired.
            var connectTimeout = WebhookPrimaryHandler.GetConnectTimeout(options.CurrentValue);
            return new WebhookSendResult(
                WebhookAttemptOutcome.TimedOut,
                null,
                null,
                string.Create(CultureInfo.InvariantCulture, $"Could not connect to the receiver within the connect timeout of {connectTimeout.TotalSeconds:0.###} s (WebhookOptions.Security.ConnectTimeout)."),
                timeProvider.GetElapsedTime(started),
                null);
        }
        catch (HttpRequestException exception) when (WebhookAddressBlockedException.FindIn(exception) is { } blocked)
        {
            return Blocked(blocked.Message, started);
        }
        catch (HttpRequestException exception)
        {
            return new WebhookSendResult(
                WebhookAttemptOutcome.NetworkError,
                null,
                null,
                Describe(exception),
                timeProvider.GetElapsedTime(started),
                null);
        }
    }

    private string? Refuse(Uri url)
    {
        var security = options.CurrentValue.Security;
        if (!WebhookTransportRules.IsSchemeAllowed(url, security, out var error))
        {
            return error;
        }

        // Through a proxy the guard only sees the proxy; a receiver given as an IP address can still be checked here.
        if (security.Proxy is not null && url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && WebhookAddressGuard.ParseLiteral(url.IdnHost) is { } address)
        {
            return WebhookAddressPolicy.From(security).Check(url.IdnHost, address, plainHttp: false);
        }

        return null;
    }

    private WebhookSendResult Blocked(string error, long started) =>
        new(WebhookAttemptOutcome.Blocked, null, null, error, timeProvider.GetElapsedTime(started), null);

    private static string DescribeStatus(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            var location = response.Headers.Location is { } uri ? $" to {uri.GetLeftPart(UriPartial.Authority)}" : string.Empty;
            return string.Create(CultureInfo.InvariantCulture, $"The receiver answered {status} {response.ReasonPhrase} (a redirect{location}); redirects are not followed.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"The receiver answered {status} {response.ReasonPhrase}.");
    }

    private static string Describe(HttpRequestException exception)
    {
        var inner = exception.InnerException is { } cause && cause.Message != exception.Message ? $" ({cause.Message})" : string.Empty;
        return exception.HttpRequestError == HttpRequestError.Unknown
            ? $"{exception.Message}{inner}"
            : $"{exception.HttpRequestError}: {exception.Message}{inner}";
    }

    private static string Describe(IOException exception)
    {
        // "Unable to read data from the transport connection: Connection reset by peer." already carries its cause.
        // An HttpIOException's message already ends with its HttpRequestError, e.g. "(ResponseEnded)".
        var inner = exception.InnerException is { } cause && !exception.Message.Contains(cause.Message, StringComparison.Ordinal) ? $" ({cause.Message})" : string.Empty;
        return $"{exception.Message}{inner}";
    }

    private static async Task<string?> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (maxBytes <= 0)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes, 16 * 1024));
            try
            {
                // Most receivers answer with no body or a short one: the rented buffer alone holds those, and only a body
                // longer than the buffer spills into a stream.
                var total = 0;
                var filled = 0;
                MemoryStream? spilled = null;
                try
                {
                    while (total < maxBytes)
                    {
                        if (filled == buffer.Length)
                        {
                            spilled ??= new MemoryStream();
                            spilled.Write(buffer, 0, filled);
                            filled = 0;
                        }

                        var read = await stream.ReadAsync(buffer.AsMemory(filled, Math.Min(buffer.Length - filled, maxBytes - total)), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        filled += read;
                        total += read;
                    }

                    if (total == 0)
                    {
                        return null;
                    }

                    if (spilled is null)
                    {
                        return Encoding.UTF8.GetString(buffer, 0, filled);
                    }

                    spilled.Write(buffer, 0, filled);
                    return Encoding.UTF8.GetString(spilled.GetBuffer(), 0, total);
                }
                finally
                {
                    spilled?.Dispose();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
