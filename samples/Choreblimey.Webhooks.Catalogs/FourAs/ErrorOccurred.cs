namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>error.occurred</c>. An application error occurred (for admin notification; retained 90 days).</summary>
public sealed record ErrorOccurred(
    string ErrorId,
    string Message,
    string ErrorType,
    string Severity,
    string? UserId,
    Uri? Url,
    string? Stack,
    IReadOnlyDictionary<string, string>? Context,
    DateTimeOffset Timestamp);
