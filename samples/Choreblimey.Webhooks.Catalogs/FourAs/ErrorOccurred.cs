namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>error.occurred</c>. An application error occurred (for admin notification; retained 90 days).</summary>
/// <remarks>
/// Identifiers and codes, not free text. 4AS's audit asks for the error message, the URL, the stack trace and a context
/// object ("request data, etc."). Those hold personal data in practice (e-mail addresses in messages and query strings,
/// form fields in request data) and this event goes to a Make.com scenario and is kept 90 days. So: the URL is reduced to
/// its route template, the stack to a fingerprint, the context to the ids of the records involved, and the message is the
/// fixed summary of <see cref="ErrorCode"/> rather than the exception's text. The full details stay in 4AS's own error log,
/// found by <see cref="ErrorId"/>. The user's e-mail (also asked for) is left out; <see cref="UserId"/> identifies the user.
/// </remarks>
/// <param name="ErrorId">The error's id in 4AS's error log, where the full message and stack trace are kept.</param>
/// <param name="ErrorCode">A stable code for the kind of error, such as <c>payment.intent_failed</c>.</param>
/// <param name="Message">The fixed, human-readable summary of <paramref name="ErrorCode"/>; never the exception's own text, which can echo user input.</param>
/// <param name="ErrorType">Where it happened: <c>client</c>, <c>server</c>, <c>api</c> or <c>database</c>.</param>
/// <param name="Severity"><c>error</c>, <c>warning</c> or <c>critical</c>.</param>
/// <param name="UserId">The signed-in user, when there was one.</param>
/// <param name="Route">The route template where it happened, such as <c>/tutors/[tutorId]/book</c>; never the requested URL with its query string.</param>
/// <param name="Fingerprint">A hash of the error type and normalised stack trace, equal for repeats of the same error; the trace itself is not sent.</param>
/// <param name="References">The records involved (kind and id, such as <c>order</c> and <c>order-1</c>), in place of free-form request data.</param>
/// <param name="Timestamp">When it happened.</param>
public sealed record ErrorOccurred(
    string ErrorId,
    string ErrorCode,
    string Message,
    string ErrorType,
    string Severity,
    string? UserId,
    string? Route,
    string? Fingerprint,
    IReadOnlyList<ErrorReference>? References,
    DateTimeOffset Timestamp);
