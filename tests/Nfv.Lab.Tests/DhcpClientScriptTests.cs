using System.Diagnostics;
using Nfv.Ip.Headers;
using Nfv.Topology;

namespace Nfv.Lab.Tests;

/// <summary>
/// The client script run by sh with the variables each client passes, in its dhcpcd form (which records and does
/// not touch interfaces, so it needs no root). What dhclient and udhcpc do with it is tested in namespaces
/// (tests/Nfv.IntegrationTests/DhcpClientTests.cs).
/// </summary>
public sealed class DhcpClientScriptTests : IDisposable
{
    private readonly DhcpClientFiles _files = DhcpClientFiles.Create(DhcpClientKind.Dhcpcd);

    public void Dispose() => _files.Delete();

    private void Run(Dictionary<string, string> environment, params string[] arguments)
    {
        File.WriteAllText(_files.Script, DhcpClientScript.Text(DhcpClientKind.Dhcpcd, _files));
        var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add(_files.Script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Clear(); // as dhclient does: the script gets the client's variables only
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.True(process.ExitCode == 0, error);
    }

    private static Dictionary<string, string> Dhclient(string reason) => new()
    {
        ["reason"] = reason,
        ["interface"] = "eth0",
        ["new_ip_address"] = "10.98.1.121",
        ["new_subnet_mask"] = "255.255.255.0",
        ["new_routers"] = "10.98.1.1",
        ["new_domain_name_servers"] = "10.98.1.53 10.98.1.54",
        ["new_domain_name"] = "lab.test",
        ["new_dhcp_lease_time"] = "120",
        ["new_dhcp_server_identifier"] = "10.98.1.1",
    };

    [Fact]
    public void Bound_records_the_lease_in_the_common_format()
    {
        Run(Dhclient("BOUND"));

        var lease = _files.ReadLease();
        Assert.Equal("10.98.1.121/24 router 10.98.1.1 dns 10.98.1.53,10.98.1.54 domain lab.test lease 120 s from 10.98.1.1", lease?.ToString());
        Assert.Equal("BOUND", lease!.Reason);
        Assert.Equal(["BOUND"], _files.ReadEvents());
    }

    [Fact]
    public void Udhcpc_style_arguments_and_variables_are_translated()
    {
        Run(new()
        {
            ["interface"] = "eth0",
            ["ip"] = "10.98.1.7",
            ["subnet"] = "255.255.255.128",
            ["mask"] = "25",
            ["router"] = "10.98.1.1",
            ["dns"] = "10.98.1.53",
            ["domain"] = "lab.test",
            ["lease"] = "600",
            ["serverid"] = "10.98.1.2",
        }, "bound");

        var lease = _files.ReadLease()!;
        Assert.Equal(Ipv4Prefix.Parse("10.98.1.7/25"), lease.Address);
        Assert.Equal(TimeSpan.FromSeconds(600), lease.LeaseTime);
        Assert.Equal(Ipv4Address.Parse("10.98.1.2"), lease.ServerId);
        Assert.Equal("BOUND", lease.Reason);
    }

    [Theory]
    [InlineData("RELEASE")]
    [InlineData("EXPIRE")]
    [InlineData("STOP")]
    [InlineData("NAK")]
    public void Losing_the_lease_removes_it_and_every_event_is_logged_in_order(string reason)
    {
        Run(Dhclient("PREINIT"));
        Run(Dhclient("BOUND"));
        Run(Dhclient("RENEW"));
        Assert.Equal("RENEW", _files.ReadLease()?.Reason);

        Run(Dhclient(reason));

        Assert.Null(_files.ReadLease());
        Assert.Equal(["PREINIT", "BOUND", "RENEW", reason], _files.ReadEvents());
    }

    [Fact]
    public void Paths_with_quotes_and_spaces_are_quoted_for_sh() =>
        Assert.Equal("'/tmp/a b/it'\\''s'", DhcpClientScript.Quote("/tmp/a b/it's"));
}
