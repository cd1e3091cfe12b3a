namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>file.deleted</c>. A file was deleted.</summary>
public sealed record FileDeleted(
    string FileId,
    string Bucket,
    string DeletedBy);
