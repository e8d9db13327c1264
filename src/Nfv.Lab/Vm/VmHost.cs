using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nfv.Topology;

namespace Nfv.Lab.Vm;

/// <summary>
/// A VM lab host while it runs: its QEMU process, started once the host's socket port is open, with the guest's serial
/// console logged line by line (and written to <see cref="ConsolePath"/>); ended, SIGTERM then SIGKILL, when the host
/// goes down or nfv stops. QEMU writes its id to a file beside the console, so a run after a killed nfv can end a
/// guest it left (<see cref="LabLeftovers"/>).
/// </summary>
public sealed class VmHost : IAsyncDisposable
{
    /// <summary>What a pid file of a guest's QEMU is called, after the host's name, in the topology's state folder.</summary>
    public const string PidFileSuffix = ".qemu.pid";

    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);
    private readonly ResolvedHost _host;
    private readonly Process _process;
    private readonly StreamWriter _console;
    private readonly ILogger _logger;
    private readonly string _guestSocket;
    private readonly string _pidFile;

    private VmHost(ResolvedHost host, Process process, StreamWriter console, string consolePath, string guestSocket, string pidFile, ILogger logger)
    {
        _host = host;
        _process = process;
        _console = console;
        ConsolePath = consolePath;
        _guestSocket = guestSocket;
        _pidFile = pidFile;
        _logger = logger;
    }

    /// <summary>The file the guest's serial console is written to (kept after the guest stops).</summary>
    public string ConsolePath { get; }

    /// <summary>QEMU's exit code once it ended by itself (the guest powered off, panicked, or QEMU failed); null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts the guest of <paramref name="host"/> on its socket port (<paramref name="portSocket"/>).</summary>
    /// <param name="host">A VM host.</param>
    /// <param name="portSocket">The path of the port's socket.</param>
    /// <param name="stateDirectory">The topology's state folder: the console log and QEMU's pid file go there.</param>
    /// <param name="accelerator">KVM or TCG (<see cref="QemuCommand.ChooseAccelerator"/>).</param>
    /// <param name="logger">Where the console's lines go.</param>
    /// <exception cref="LabException">QEMU could not be started.</exception>
    public static VmHost Start(ResolvedHost host, string portSocket, string stateDirectory, VmAccelerator accelerator, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(host);
        Directory.CreateDirectory(stateDirectory);
        string guestSocket = VmSettings.GuestSocketFor(portSocket);
        string pidFile = Path.Combine(stateDirectory, host.Name + PidFileSuffix);
        string consolePath = Path.Combine(stateDirectory, host.Name + ".console.log");
        string program = FindQemu() ?? throw new LabException(
            $"host '{host.Name}' is a VM and needs {MachineChecks.Qemu}, which is not installed (Debian package qemu-system-x86)");
        File.Delete(guestSocket); // left by a guest that did not end cleanly; QEMU binds it anew
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // the console's input: held open, never written
            UseShellExecute = false,
        };
        foreach (var argument in QemuCommand.Arguments(host, portSocket, guestSocket, pidFile, accelerator))
        {
            start.ArgumentList.Add(argument);
        }
        var console = new StreamWriter(consolePath, append: false) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            console.Dispose();
            throw new LabException($"host '{host.Name}': could not start {program}: {ex.Message}", ex);
        }
        var vm = new VmHost(host, process, console, consolePath, guestSocket, pidFile, logger);
        process.OutputDataReceived += (_, e) => vm.Console(e.Data);
        process.ErrorDataReceived += (_, e) => vm.Console(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LabLog.VmStarted(logger, host.Name, accelerator.ToString().ToUpperInvariant(), process.Id, consolePath);
        return vm;
    }

    private static string? FindQemu() => LinuxMachineProbe.DefaultProgramDirectories
        .Select(d => Path.Combine(d, MachineChecks.Qemu)).FirstOrDefault(File.Exists);

    private void Console(string? line)
    {
        if (line is null)
        {
            return;
        }
        line = line.TrimEnd('\r'); // a serial console ends its lines with CR LF
        lock (_console)
        {
            try
            {
                _console.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                return; // a last line after the guest was stopped
            }
        }
        LabLog.HostCommandOutput(_logger, _host.Name, line);
    }

    /// <summary>The console's last <paramref name="count"/> lines, for a message about a guest that stopped.</summary>
    public string ConsoleTail(int count = 5)
    {
        lock (_console)
        {
            try
            {
                using var read = new FileStream(ConsolePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(read);
                var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return string.Join(" | ", lines.TakeLast(count));
            }
            catch (IOException)
            {
                return "";
            }
        }
    }

    /// <summary>Ends QEMU (SIGTERM, SIGKILL after 5 s) and removes its socket and pid file; the console log stays.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Interop.Kill(_process.Id, Interop.SIGTERM);
            using var wait = new CancellationTokenSource(StopWait);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        else
        {
            await _process.WaitForExitAsync(); // the console's last lines are read
        }
        _process.Dispose();
        lock (_console)
        {
            _console.Dispose();
        }
        File.Delete(_guestSocket);
        File.Delete(_pidFile);
    }
}
