namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>
/// A temporary directory a test owns, deleted on dispose: a sample runs in it, keeps its files in it, and has its home
/// (HOME and the XDG folders) below it, so no run reads or writes the user's own data folder.
/// </summary>
internal sealed class SampleDirectory : IDisposable
{
    public SampleDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "choreblimey-samples-" + Guid.NewGuid().ToString("N")[..12]);
        var home = Directory.CreateDirectory(System.IO.Path.Combine(Path, "home")).FullName;
        DataHome = System.IO.Path.Combine(home, ".local", "share");
        Environment = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["XDG_DATA_HOME"] = DataHome,
            ["XDG_CONFIG_HOME"] = System.IO.Path.Combine(home, ".config"),
            ["XDG_CACHE_HOME"] = System.IO.Path.Combine(home, ".cache"),
        };
    }

    public string Path { get; }

    /// <summary>Gets the folder the samples see as the user's local data folder.</summary>
    public string DataHome { get; }

    /// <summary>Gets the variables a sample's process gets on top of the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Gets every file below the directory, home included.</summary>
    public IReadOnlyList<string> AllFiles() => Directory.GetFiles(Path, "*", SearchOption.AllDirectories);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
