using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Nfv.Host.Client;

/// <summary>
/// <c>nfv impair TARGET [KEY=VALUE ...]</c>: changes the impairment of a running wire, as <c>tc qdisc change ... netem</c>
/// does: the settings given become the whole impairment (what is not given is off). TARGET is an impair function's name
/// or an end of an impaired link (<c>p1</c>, <c>impair-p1-sw</c>); keys are those of <c>kind: impair</c>, a direction's
/// written <c>outbound.loss=5%</c>; no settings at all make the wire perfect.
/// </summary>
internal static class ImpairCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("target") { Description = "An impair function's name, or an end of a link with impair: on it (p1, sw.p1)." };
        var settings = new Argument<string[]>("settings")
        {
            Description = "KEY=VALUE: delay=20ms jitter=5ms distribution=normal loss=1% duplicate=1% reorder=5% corrupt=0.1% rate=10mbit queue=1000; outbound.KEY or inbound.KEY for one direction.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var address = ManagementClient.AddressOption();
        var token = ManagementClient.TokenOption();
        var command = new Command("impair", "Changes the impairment of a wire of a running nfv (the settings given replace what it had).")
        {
            target,
            settings,
            address,
            token,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Yaml(parse.GetValue(settings) ?? []) is not { } yaml)
            {
                return 1;
            }
            using var http = ManagementClient.Create(parse.GetValue(address)!, parse.GetValue(token), TimeSpan.FromSeconds(10));
            if (await FunctionOfAsync(http, parse.GetValue(target)!, cancellationToken) is not { } function)
            {
                return 1;
            }
            using var response = await ManagementClient.SendAsync(http, "impair", HttpMethod.Put, $"/api/functions/{Uri.EscapeDataString(function)}/config",
                cancellationToken, new StringContent(yaml, Encoding.UTF8, "application/yaml"));
            if (response is null)
            {
                return 1;
            }
            Console.Out.WriteLine($"{function}: {(yaml == "{}" ? "no impairment" : yaml)}");
            return 0;
        });
        return command;
    }

    // KEY=VALUE words as a YAML flow mapping; outbound.KEY and inbound.KEY go into their direction's mapping.
    private static string? Yaml(string[] words)
    {
        var top = new List<string>();
        var directions = new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["outbound"] = [], ["inbound"] = [] };
        foreach (var word in words)
        {
            int equals = word.IndexOf('=');
            if (equals <= 0 || equals == word.Length - 1)
            {
                Console.Error.WriteLine($"nfv impair: '{word}' is not KEY=VALUE, such as delay=20ms or outbound.loss=5%");
                return null;
            }
            string key = word[..equals], value = word[(equals + 1)..];
            int dot = key.IndexOf('.');
            string entry = $"{key[(dot + 1)..]}: '{value.Replace("'", "''", StringComparison.Ordinal)}'";
            if (dot < 0)
            {
                top.Add(entry);
            }
            else if (directions.TryGetValue(key[..dot], out var list))
            {
                list.Add(entry);
            }
            else
            {
                Console.Error.WriteLine($"nfv impair: '{key}' names no direction; write outbound.KEY or inbound.KEY");
                return null;
            }
        }
        top.AddRange(directions.Where(d => d.Value.Count > 0).Select(d => $"{d.Key}: {{ {string.Join(", ", d.Value)} }}"));
        return $"{{{(top.Count == 0 ? "" : " " + string.Join(", ", top) + " ")}}}";
    }

    // The impair function TARGET names: itself, or the one on the link that has TARGET as an end.
    private static async Task<string?> FunctionOfAsync(HttpClient http, string target, CancellationToken cancellationToken)
    {
        using var response = await ManagementClient.GetAsync(http, "impair", "/api/links", cancellationToken);
        if (response is null)
        {
            return null;
        }
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var impaired = json.RootElement.EnumerateArray()
            .Where(l => l.GetProperty("impair").ValueKind == JsonValueKind.String)
            .Select(l => (A: l.GetProperty("a").GetString()!, B: l.GetProperty("b").GetString()!, Impair: l.GetProperty("impair").GetString()!))
            .ToList();
        if (impaired.FirstOrDefault(l => l.Impair == target || l.A == target || l.B == target) is { Impair: { } name })
        {
            return name;
        }
        Console.Error.WriteLine(impaired.Count == 0
            ? $"nfv impair: no wire of this nfv is impaired; put 'impair: {{ ... }}' on a link, or a kind: impair function on it"
            : $"nfv impair: '{target}' is neither an impair function nor an end of an impaired link; impaired: {string.Join(", ", impaired.Select(l => $"{l.A} <-> {l.B} ({l.Impair})"))}");
        return null;
    }
}
