using System.CommandLine;
using Nfv.Host.Client;
using Nfv.Host.Commands;

var root = new RootCommand("Nfv: virtual network appliances (switches, routers, DHCP, NAT) over Linux TAP devices, wired by topology files.")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    ReplayCommand.Create(),
    ShowCommand.Create(),
    TraceCommand.Create(),
    CaptureCommand.Create(),
    GraphCommand.Create(),
    DoctorCommand.Create(),
    RestartHostCommand.Create(),
    ImpairCommand.Create(),
    WhereCommand.Create(),
    TestCommand.Create(),
    ApplyCommand.Create(),
};
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
