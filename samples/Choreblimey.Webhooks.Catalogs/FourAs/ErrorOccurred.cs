using System.Text.Json;
using System.Text.Json.Serialization;

namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>error.occurred</c>. An application error occurred (for admin notification; retained 90 days).</summary>
/// <remarks>
/// <para>
/// The fields and their names on the wire are those of 4AS's own error webhook (<c>error_id</c>, <c>message</c>,
/// <c>error_type</c>, <c>severity</c>, <c>user_id</c>, <c>user_email</c>, <c>url</c>, <c>stack</c>, <c>context</c>,
/// <c>timestamp</c>), to which its Make.com scenario is mapped.
/// </para>
/// <para>
/// Several of them carry whatever 4AS puts in them, and in practice that is personal data: e-mail addresses in exception
/// messages and query strings, form fields in request data. This event goes to a Make.com scenario and is kept 90 days, so
/// what to send is 4AS's decision to make knowingly. To keep personal data out: a fixed summary of the kind of error as
/// <see cref="Message"/> rather than the exception's own text, which can echo user input; the route template
/// (<c>/tutors/[tutorId]/book</c>) as <see cref="Url"/> rather than the requested URL with its query string; a
/// fingerprint of the normalised trace, or nothing, as <see cref="Stack"/>; the ids of the records involved
/// (<c>{ "order_id": "order-1" }</c>) as <see cref="Context"/> rather than request data; and no <see cref="UserEmail"/>,
/// since <see cref="UserId"/> identifies the user. The full details stay in 4AS's own error log, found by
/// <see cref="ErrorId"/>.
/// </para>
/// </remarks>
/// <param name="ErrorId">The error's id in 4AS's error log, where the full message and stack trace are kept.</param>
/// <param name="Message">The error message (see the remarks for what to send).</param>
/// <param name="ErrorType">Where it happened: <c>client</c>, <c>server</c>, <c>api</c> or <c>database</c>.</param>
/// <param name="Severity"><c>error</c>, <c>warning</c> or <c>critical</c>.</param>
/// <param name="UserId">The signed-in user, when there was one.</param>
/// <param name="UserEmail">The signed-in user's e-mail address, when 4AS chooses to send it (personal data; see the remarks).</param>
/// <param name="Url">Where the error occurred (a route template keeps the query string's personal data out).</param>
/// <param name="Stack">The stack trace, when available (a fingerprint keeps the trace's own data out).</param>
/// <param name="Context">Additional context, any JSON object (the ids of the records involved keep request data out).</param>
/// <param name="Timestamp">When it happened.</param>
public sealed record ErrorOccurred(
    [property: JsonPropertyName("error_id")] string ErrorId,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("error_type")] string ErrorType,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("user_email")] string? UserEmail,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("stack")] string? Stack,
    [property: JsonPropertyName("context")] JsonElement? Context,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp);
