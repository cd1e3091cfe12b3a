namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>file.uploaded</c>. A file was uploaded.</summary>
public sealed record FileUploaded(
    string FileId,
    string Bucket,
    string ContentType,
    long SizeBytes,
    string UploadedBy);
