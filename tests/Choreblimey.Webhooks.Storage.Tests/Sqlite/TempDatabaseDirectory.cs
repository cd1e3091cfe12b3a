namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>A fresh temporary directory for database files, deleted on dispose.</summary>
public sealed class TempDatabaseDirectory : IDisposable
{
    public TempDatabaseDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "choreblimey-sqlite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name = "webhooks.db") => System.IO.Path.Combine(Path, name);

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
    }
}
