using System.CommandLine;
using System.Text.Json;

namespace Nfv.Host.Client;

/// <summary><c>nfv show WHAT</c>: reads a running instance's management API and prints tables, like ovs-appctl or vppctl.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var what = new Argument<string>("what")
        {
            Description = "topology, ports, hosts, functions, tables, links, or a table name: mac, arp, neighbours, routes, leases, nat, impair.",
        };
        var address = ManagementClient.AddressOption();
        var token = ManagementClient.TokenOption();
        var command = new Command("show", "Shows ports, functions and tables (MAC, ARP, routes, leases, NAT sessions) of a running nfv.")
        {
            what,
            address,
            token,
        };
        command.SetAction((parse, cancellationToken) => ShowAsync(parse.GetValue(what)!, parse.GetValue(address)!, parse.GetValue(token), cancellationToken));
        return command;
    }

    private static async Task<int> ShowAsync(string what, string address, string? token, CancellationToken cancellationToken)
    {
        var path = what switch
        {
            "topology" => "/api/topology",
            "ports" => "/api/ports",
            "hosts" => "/api/hosts",
            "functions" => "/api/functions",
            "tables" => "/api/tables",
            "links" => "/api/links",
            _ => $"/api/tables/{Uri.EscapeDataString(what)}",
        };
        using var http = ManagementClient.Create(address, token, TimeSpan.FromSeconds(10));
        using var response = await ManagementClient.GetAsync(http, $"show {what}", path, cancellationToken);
        if (response is null)
        {
            return 1;
        }
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = json.RootElement;
        switch (what)
        {
            case "topology":
                PrintTopology(root);
                break;
            case "ports" or "hosts" or "functions" or "tables" or "links":
                PrintObjects(root);
                break;
            default:
                PrintTable(
                    root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList(),
                    root.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetString() ?? "").ToList()).ToList());
                break;
        }
        return 0;
    }

    private static void PrintTopology(JsonElement t)
    {
        Console.WriteLine($"topology {t.GetProperty("name").GetString()} ({t.GetProperty("file").GetString()})");
        PrintTable(["function", "kind", "ports"], t.GetProperty("functions").EnumerateArray()
            .Select(f => new List<string> { Text(f.GetProperty("name")), Text(f.GetProperty("kind")), string.Join(" ", f.GetProperty("ports").EnumerateArray().Select(Text)) }).ToList());
        Console.WriteLine();
        PrintTable(["link", "", ""], t.GetProperty("links").EnumerateArray()
            .Select(l => new List<string> { Text(l[0]), "<->", Text(l[1]) }).ToList());
        Console.WriteLine();
        PrintObjects(t.GetProperty("hosts"));
    }

    // An array of flat objects: one column per property; nested objects print as key=value lists of non-zero values.
    private static void PrintObjects(JsonElement array)
    {
        var items = array.EnumerateArray().ToList();
        if (items.Count == 0)
        {
            Console.WriteLine("(none)");
            return;
        }
        var columns = items[0].EnumerateObject().Select(p => p.Name).ToList();
        PrintTable(columns, items.Select(i => columns.Select(c => Text(i.GetProperty(c))).ToList()).ToList());
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "-",
        JsonValueKind.Object => string.Join(" ", value.EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.Number || p.Value.GetInt64() != 0)
            .Select(p => $"{p.Name}={Text(p.Value)}")) is { Length: > 0 } s ? s : "-",
        JsonValueKind.Array => string.Join(" ", value.EnumerateArray().Select(Text)),
        _ => value.ToString(),
    };

    private static void PrintTable(IReadOnlyList<string> columns, IReadOnlyList<List<string>> rows) => ManagementClient.PrintTable(columns, rows);
}
