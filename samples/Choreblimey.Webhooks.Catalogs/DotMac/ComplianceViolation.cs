namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>compliance.violation</c>. A compliance check failed.</summary>
public sealed record ComplianceViolation(
    string ViolationId,
    string Rule,
    string Severity,
    string? ResourceId);
