using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>
/// A throwaway PostgreSQL server for tests: a fresh cluster in a temporary directory on a free loopback port, stopped and
/// deleted on dispose. Needs the PostgreSQL server binaries (<c>initdb</c>, <c>postgres</c>, <c>pg_ctl</c>).
/// </summary>
/// <remarks>
/// The binaries are found through the <c>PG_BIN</c> environment variable, then <c>pg_config --bindir</c>, then the newest
/// <c>/usr/lib/postgresql/*/bin</c>. When the process runs as root the cluster is created and run as the <c>postgres</c>
/// OS user through <c>runuser</c>, because <c>initdb</c> refuses to run as root.
/// </remarks>
public sealed class PostgreSqlTestServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _binDirectory;
    private readonly string _rootDirectory;
    private readonly string _dataDirectory;
    private readonly string _logPath;
    private readonly bool _asPostgresUser;
    private readonly IReadOnlyList<string> _settings;
    private Process? _server;
    private int _databaseCounter;
    private int _disposed;

    private PostgreSqlTestServer(string binDirectory, string rootDirectory, bool asPostgresUser, int port, IReadOnlyList<string> settings)
    {
        _settings = settings;
        _binDirectory = binDirectory;
        _rootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        _logPath = Path.Combine(rootDirectory, "server.log");
        _asPostgresUser = asPostgresUser;
        Port = port;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 50,
            Timeout = 15,
        }.ConnectionString;
    }

    /// <summary>Gets the TCP port the server listens on (loopback only).</summary>
    public int Port { get; }

    /// <summary>Gets a connection string to the <c>postgres</c> database as the <c>postgres</c> superuser.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a cluster, starts it and waits until it accepts connections.</summary>
    /// <param name="cancellationToken">A token to cancel the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The binaries are missing, or the server did not start in time.</exception>
    public static Task<PostgreSqlTestServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync([], cancellationToken);

    /// <summary>Creates a cluster, starts it with extra server settings and waits until it accepts connections.</summary>
    /// <param name="settings">More <c>name=value</c> settings, each passed as <c>-c</c> after the defaults.</param>
    /// <param name="cancellationToken">A token to cancel the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The binaries are missing, or the server did not start in time.</exception>
    public static async Task<PostgreSqlTestServer> StartAsync(IReadOnlyList<string> settings, CancellationToken cancellationToken = default)
    {
        var binDirectory = await FindBinDirectoryAsync(cancellationToken);
        var asPostgresUser = Environment.UserName == "root" || IsRoot();
        var root = Path.Combine(Path.GetTempPath(), "choreblimey-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var server = new PostgreSqlTestServer(binDirectory, root, asPostgresUser, GetFreePort(), settings);
        try
        {
            await server.InitAndStartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a new, empty database and returns a connection string to it.</summary>
    /// <param name="name">The database name; a unique one is made up when <see langword="null"/>.</param>
    /// <returns>A connection string to the new database.</returns>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "db_" + Interlocked.Increment(ref _databaseCounter).ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];
        if (!IsSimpleIdentifier(name))
        {
            throw new ArgumentException("Database names must be lower-case letters, digits and underscores.", nameof(name));
        }

        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Drops a database made by <see cref="CreateDatabaseAsync"/> (closing its connections) and checkpoints, so nothing of
    /// it (autovacuum, dirty buffers) goes on using the server's CPU after its test or benchmark phase.
    /// </summary>
    /// <param name="connectionString">The connection string <see cref="CreateDatabaseAsync"/> returned.</param>
    /// <returns>A task that completes when the database is gone.</returns>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (name is null || !IsSimpleIdentifier(name) || name == "postgres")
        {
            throw new ArgumentException("Not a database this server made.", nameof(connectionString));
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE); CHECKPOINT;", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Stops the server immediately and deletes its directory.</summary>
    /// <returns>A task that completes when the server is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (_server is { } server)
        {
            if (!server.HasExited)
            {
                try
                {
                    await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "-t", "10", "stop"], asPostgres: _asPostgresUser, CancellationToken.None, throwOnError: false);
                }
                catch (InvalidOperationException)
                {
                    // Fall through to killing the process.
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await server.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    server.Kill(entireProcessTree: true);
                }
            }

            server.Dispose();
        }

        try
        {
            Directory.Delete(_rootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is not worth failing a test run for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task InitAndStartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_dataDirectory);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _rootDirectory], asPostgres: false, cancellationToken);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        await RunAsync(
            Path.Combine(_binDirectory, "initdb"),
            ["-D", _dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"],
            asPostgres: _asPostgresUser,
            cancellationToken);

        var startInfo = CreateStartInfo(
            Path.Combine(_binDirectory, "postgres"),
            [
                "-D", _dataDirectory,
                "-p", Port.ToString(CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=" + _dataDirectory,
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                "-c", "max_connections=200",
                .. _settings.SelectMany(static setting => new[] { "-c", setting }),
            ],
            _asPostgresUser);
        var log = new StringBuilder();
        var server = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        server.OutputDataReceived += (_, e) => Append(log, e.Data);
        server.ErrorDataReceived += (_, e) => Append(log, e.Data);
        if (!server.Start())
        {
            throw new InvalidOperationException("Could not start the PostgreSQL server process.");
        }

        _server = server;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        Exception? lastError = null;
        while (deadline.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (server.HasExited)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL test server exited with code {server.ExitCode} while starting. Server log:{Environment.NewLine}{Snapshot(log)}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex)
            {
                lastError = ex;
            }
            catch (SocketException ex)
            {
                lastError = ex;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException(
            $"The PostgreSQL test server did not accept connections on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds:0} s. " +
            $"Last error: {lastError?.Message}{Environment.NewLine}Server log:{Environment.NewLine}{Snapshot(log)}");
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static async Task<string> FindBinDirectoryAsync(CancellationToken cancellationToken)
    {
        var tried = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } fromEnvironment)
        {
            if (HasServerBinaries(fromEnvironment))
            {
                return fromEnvironment;
            }

            tried.Add($"PG_BIN={fromEnvironment} (no initdb/postgres/pg_ctl there)");
        }
        else
        {
            tried.Add("PG_BIN (not set)");
        }

        try
        {
            var bindir = (await RunAsync("pg_config", ["--bindir"], asPostgres: false, cancellationToken)).Trim();
            if (HasServerBinaries(bindir))
            {
                return bindir;
            }

            tried.Add($"pg_config --bindir={bindir} (no initdb/postgres/pg_ctl there)");
        }
        catch (InvalidOperationException)
        {
            tried.Add("pg_config (not found on PATH)");
        }

        const string Root = "/usr/lib/postgresql";
        if (Directory.Exists(Root))
        {
            var newest = Directory.GetDirectories(Root)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(d => HasServerBinaries(d.Directory))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Directory is not null)
            {
                return newest.Directory;
            }
        }

        tried.Add($"{Root}/*/bin (none with server binaries)");
        throw new InvalidOperationException(
            "The PostgreSQL tests need the PostgreSQL server binaries (initdb, postgres, pg_ctl), and none were found. Looked at: " +
            string.Join("; ", tried) + ". Install them with `apt-get install postgresql-15` (Debian/Ubuntu), or point the PG_BIN " +
            "environment variable at the directory that holds initdb and postgres.");
    }

    private static bool HasServerBinaries(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "postgres")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    private static bool IsRoot()
    {
        try
        {
            return File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int GetFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static bool IsSimpleIdentifier(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && name[0] is < '0' or > '9';

    private static ProcessStartInfo CreateStartInfo(string fileName, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : fileName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add("postgres");
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(fileName);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The server and initdb pick their locale from the environment; keep it predictable.
        startInfo.Environment["LC_ALL"] = "C";
        startInfo.Environment["LANG"] = "C";
        return startInfo;
    }

    private static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken, bool throwOnError = true)
    {
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments, asPostgres) };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not run '{fileName}': {ex.Message}", ex);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout;
        var error = await stderr;
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}.{Environment.NewLine}{output}{error}");
        }

        return output;
    }
}
