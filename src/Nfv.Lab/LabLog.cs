using Microsoft.Extensions.Logging;

namespace Nfv.Lab;

/// <summary>Lab host log messages (category <c>Nfv.Lab</c>).</summary>
internal static partial class LabLog
{
    [LoggerMessage(1, LogLevel.Debug, "Created TAP {TapName} for port {PortName}")]
    public static partial void TapCreated(ILogger logger, string tapName, string portName);

    [LoggerMessage(13, LogLevel.Information, "Port {PortName}: VXLAN tunnel {Tunnel} open")]
    public static partial void TunnelOpened(ILogger logger, string portName, string tunnel);

    [LoggerMessage(17, LogLevel.Debug, "Port {PortName}: socket {Path} open")]
    public static partial void SocketOpened(ILogger logger, string portName, string path);

    [LoggerMessage(2, LogLevel.Debug, "Created lab host {HostName} with {Address} on {TapName}")]
    public static partial void HostCreated(ILogger logger, string hostName, string address, string tapName);

    [LoggerMessage(14, LogLevel.Information, "Lab host {HostName} runs '{Command}' (pid {Pid})")]
    public static partial void HostCommandStarted(ILogger logger, string hostName, string command, int pid);

    [LoggerMessage(15, LogLevel.Information, "Lab host {HostName}: {Line}")]
    public static partial void HostCommandOutput(ILogger logger, string hostName, string line);

    [LoggerMessage(16, LogLevel.Information, "Lab host {HostName} is a VM: QEMU ({Accelerator}) started, pid {Pid}; its console goes to {ConsolePath}")]
    public static partial void VmStarted(ILogger logger, string hostName, string accelerator, int pid, string consolePath);

    [LoggerMessage(3, LogLevel.Warning, "Could not remove {What}; remove it by hand")]
    public static partial void TeardownFailed(ILogger logger, string what);

    [LoggerMessage(6, LogLevel.Information, "Lab host {HostName} leased {Lease} with {Client}")]
    public static partial void DhcpLeased(ILogger logger, string hostName, string lease, string client);

    [LoggerMessage(7, LogLevel.Warning, "Lab host {HostName} got no DHCP lease within {Seconds} s; {Client} keeps trying. Is a DHCP server linked to port {PortName}? Its output: {Output}")]
    public static partial void DhcpNoLease(ILogger logger, string hostName, double seconds, string client, string portName, string output);

    [LoggerMessage(8, LogLevel.Warning, "The DHCP client {Client} of lab host {HostName} ended by itself; the host has no address. Its output: {Output}")]
    public static partial void DhcpClientExited(ILogger logger, string hostName, string client, string output);

    [LoggerMessage(9, LogLevel.Debug, "Stopped the DHCP client of lab host {HostName}; its events: {Events}")]
    public static partial void DhcpClientStopped(ILogger logger, string hostName, string events);

    [LoggerMessage(10, LogLevel.Warning, "Lab host {HostName} is down: {Reason}; its port {PortName} is closed. It comes back when a namespace named {HostName} is made again (ip netns add), or with nfv restart-host {HostName}")]
    public static partial void HostDown(ILogger logger, string hostName, string reason, string portName);

    [LoggerMessage(18, LogLevel.Warning, "Lab host {HostName} is down: {Reason}. nfv restart-host {HostName} starts its guest again")]
    public static partial void VmDown(ILogger logger, string hostName, string reason);

    [LoggerMessage(11, LogLevel.Information, "Lab host {HostName} is back: {State}")]
    public static partial void HostBack(ILogger logger, string hostName, string state);

    [LoggerMessage(12, LogLevel.Warning, "Lab host {HostName} could not be brought back: {Error}")]
    public static partial void HostNotRestored(ILogger logger, string hostName, string error);
}
