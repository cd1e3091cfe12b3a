using Choreblimey.Webhooks.Diagnostics;
using Choreblimey.Webhooks.Tests.Security;

namespace Choreblimey.Webhooks.Tests.Diagnostics;

public sealed class WebhookLogWordingTests
{
    private static readonly DateTimeOffset Next = new(2026, 1, 1, 9, 0, 5, TimeSpan.Zero);

    [Fact]
    public void A_failed_attempt_reads_as_a_sentence_with_or_without_an_http_status()
    {
        using var capture = new CapturingLoggerProvider();
        var logger = capture.CreateLogger("test");

        WebhookLog.AttemptFailed(logger, "dlv_1", "msg_1", "sub_1", 1, WebhookAttemptOutcome.HttpError, WebhookLog.StatusText(401), "The receiver answered 401 Unauthorized.", Next);
        WebhookLog.AttemptFailed(logger, "dlv_1", "msg_1", "sub_1", 2, WebhookAttemptOutcome.TimedOut, WebhookLog.StatusText(null), "No response within 30 s.", Next);

        // Before: "failed (attempt 1, HttpError, status 401): The receiver answered 401 Unauthorized.; next attempt at ...",
        // and "status )" without a response.
        Assert.Contains(capture.Entries, e => e.Contains(
            "Delivery dlv_1 of msg_1 to sub_1 failed on attempt 1 (HttpError, HTTP status 401); next attempt at 2026-01-01T09:00:05.0000000+00:00: The receiver answered 401 Unauthorized.",
            StringComparison.Ordinal));
        Assert.Contains(capture.Entries, e => e.Contains("failed on attempt 2 (TimedOut, HTTP status none); next attempt at 2026-01-01T09:00:05.0000000+00:00: No response within 30 s.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_dead_letter_names_the_attempt_it_ended_on()
    {
        using var capture = new CapturingLoggerProvider();

        WebhookLog.DeadLettered(capture.CreateLogger("test"), "dlv_1", "msg_1", "sub_1", 1, WebhookAttemptOutcome.Blocked, WebhookLog.StatusText(null), "The address is blocked.");

        // Before: "dead-lettered after 1 attempts (Blocked, status ): ...".
        Assert.Contains(capture.Entries, e => e.Contains(
            "Delivery dlv_1 of msg_1 to sub_1 dead-lettered on attempt 1 (Blocked, HTTP status none): The address is blocked.",
            StringComparison.Ordinal));
    }
}
