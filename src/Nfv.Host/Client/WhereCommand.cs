using System.CommandLine;
using System.Text.Json;

namespace Nfv.Host.Client;

/// <summary>
/// <c>nfv where HOST|MAC|IP</c>: where a machine is in a running lab, in one answer: the switch ports that learned its MAC,
/// its DHCP lease, the routers that know it, and its NAT sessions (<c>/api/where/QUERY</c>).
/// </summary>
internal static class WhereCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("what") { Description = "A lab host's name, a MAC address or an IP address." };
        var address = ManagementClient.AddressOption();
        var token = ManagementClient.TokenOption();
        var command = new Command("where", "Says where a host, MAC or IP address is in a running nfv: switch port and VLAN, lease, ARP entries, NAT sessions.")
        {
            query,
            address,
            token,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var what = parse.GetValue(query)!;
            using var http = ManagementClient.Create(parse.GetValue(address)!, parse.GetValue(token), TimeSpan.FromSeconds(10));
            using var response = await ManagementClient.GetAsync(http, $"where {what}", $"/api/where/{Uri.EscapeDataString(what)}", cancellationToken);
            if (response is null)
            {
                return 1;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            Print(json.RootElement);
            return 0;
        });
        return command;
    }

    // The summary line, then a table per kind of entry found.
    private static void Print(JsonElement answer)
    {
        Console.Out.WriteLine(answer.GetProperty("summary").GetString());
        Section(answer, "seen", "switch ports", ["function", "port", "vlan", "age_seconds"]);
        Section(answer, "leases", "leases", ["function", "address", "state", "hostname", "expires_in_seconds"]);
        Section(answer, "neighbours", "ARP and neighbour entries", ["function", "interface", "address", "mac", "state"]);
        Section(answer, "nat", "NAT sessions", ["function", "protocol", "inside", "external", "remote", "state"]);
    }

    private static void Section(JsonElement answer, string property, string title, IReadOnlyList<string> columns)
    {
        var items = answer.GetProperty(property).EnumerateArray().ToList();
        if (items.Count == 0)
        {
            return;
        }
        Console.Out.WriteLine();
        Console.Out.WriteLine($"{title}:");
        ManagementClient.PrintTable(columns, [.. items.Select(item => columns.Select(c => item.GetProperty(c) is var v && v.ValueKind == JsonValueKind.Null ? "" : v.ToString()).ToList())]);
    }
}
