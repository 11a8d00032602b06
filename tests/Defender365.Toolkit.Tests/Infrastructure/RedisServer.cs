using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Defender365.Toolkit.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, in a folder of its own, with nothing saved to disk; stopped and
/// cleaned up on every exit path (disposal, and the test process ending). It can be stopped and started again on the
/// same port, as a Redis restart is.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>How to get the binary, for the skip reason and the failure message.</summary>
    public const string InstallHint = "install it with 'sudo apt-get install redis-server' (Debian/Ubuntu) or 'brew install redis' (macOS)";

    private readonly string _folder = Directory.CreateTempSubdirectory("defender365-redis-").FullName;
    private Process? _process;

    private RedisServer(int port) => Port = port;

    /// <summary>The full path of <c>redis-server</c> on PATH, or null.</summary>
    public static string? BinaryPath { get; } = Environment.GetEnvironmentVariable("PATH")?
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, "redis-server"))
        .FirstOrDefault(File.Exists);

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) on its port and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var binary = BinaryPath ?? throw new InvalidOperationException($"redis-server is not installed: {InstallHint}.");
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at start with code {_process.ExitCode} (port {Port}).");
            }

            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer PING within 20 s.");
    }

    /// <summary>Kills the server, as a crash or a restart does, and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover empty folder in the temp directory is not worth failing a test for.
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A test that needs <c>redis-server</c>: skipped, with the command that installs it, where the binary is missing; under
/// <c>CI=true</c> it runs anyway and fails there, so a build machine without Redis cannot pass by skipping.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.BinaryPath is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"redis-server is not installed: {RedisServer.InstallHint}.";
        }
    }
}
