using System.CommandLine;
using System.Text.Json;

namespace Nfv.Host.Client;

/// <summary>
/// <c>nfv restart-host NAME</c>: makes a running instance's lab host anew (namespace, <c>eth0</c> with its old MAC, address
/// or DHCP lease), as after a reboot; how a host whose namespace was deleted comes back without stopping the lab.
/// </summary>
internal static class RestartHostCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The lab host to restart, as the topology names it." };
        var address = ManagementClient.AddressOption();
        var token = ManagementClient.TokenOption();
        var command = new Command("restart-host", "Restarts a lab host of a running nfv: its namespace and eth0 are made anew, its DHCP client runs again.")
        {
            name,
            address,
            token,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var host = parse.GetValue(name)!;
            // A DHCP host is waited for until it has a lease (Nfv:DhcpTimeout, 15 s by default).
            using var http = ManagementClient.Create(parse.GetValue(address)!, parse.GetValue(token), TimeSpan.FromMinutes(6));
            using var response = await ManagementClient.SendAsync(http, "restart-host", HttpMethod.Post,
                $"/api/hosts/{Uri.EscapeDataString(host)}/restart", cancellationToken);
            if (response is null)
            {
                return 1;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            Console.Out.WriteLine($"host {host} is up: {json.RootElement.GetProperty("detail").GetString()}");
            return 0;
        });
        return command;
    }
}
