namespace Choreblimey.Webhooks.Storage.Tests.Crash;

/// <summary>Reads the harness's ack file: one event id per line, written only after <c>PublishAsync</c> returned.</summary>
internal static class AckFile
{
    /// <summary>Gets the acknowledged event ids; a last line without its newline (cut by the kill) does not count.</summary>
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n');
        return lines[..^1];
    }
}
