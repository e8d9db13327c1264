using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nfv.Dataplane.Tracing;

namespace Nfv.Host.Client;

/// <summary>
/// <c>nfv trace</c>: follows the next packets a running instance receives through its functions and prints, for each, the
/// functions it crossed with their input ports, what each decided, and where it left or why it was dropped.
/// </summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count", "-c")
        {
            Description = "How many packets to trace (1 to 1000).",
            DefaultValueFactory = _ => 10,
        };
        var filter = new Option<string?>("--filter", "-f")
        {
            Description = $"Which packets: terms joined by spaces or 'and', e.g. \"in p1 icmp host 10.0.0.2\". Terms: {TraceFilter.Syntax}.",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the packets before giving up.",
            DefaultValueFactory = _ => Management.ManagementApi.DefaultTraceTimeoutSeconds,
        };
        var address = ManagementClient.AddressOption();
        var token = ManagementClient.TokenOption();
        var command = new Command("trace", "Traces the next packets through a running nfv: each function they cross, its decisions, and where they leave or why they drop.")
        {
            count,
            filter,
            timeout,
            address,
            token,
        };
        command.SetAction((parse, _) => TraceAsync(parse.GetValue(count), parse.GetValue(filter), parse.GetValue(timeout), parse.GetValue(address)!, parse.GetValue(token)));
        return command;
    }

    private static async Task<int> TraceAsync(int count, string? filter, int timeout, string address, string? token)
    {
        // Checked here too, so a typo gets its message without a running instance.
        if (!TraceFilter.TryParse(filter, out var _, out var filterError))
        {
            Console.Error.WriteLine($"nfv trace: bad filter: {filterError}");
            return 1;
        }
        var (interrupt, registration) = ManagementClient.CancelOnInterrupt();
        using var interruptSource = interrupt;
        using var signals = registration;
        using var http = ManagementClient.Create(address, token, null);
        var path = $"/api/trace?count={count}&timeout={timeout}" + (string.IsNullOrWhiteSpace(filter) ? "" : $"&filter={Uri.EscapeDataString(filter)}");
        using var response = await ManagementClient.GetAsync(http, "trace", path, interrupt.Token);
        if (response is null)
        {
            return 1;
        }
        Console.Error.WriteLine($"nfv trace: waiting for {(count == 1 ? "1 packet" : $"{count} packets")}{(string.IsNullOrWhiteSpace(filter) ? "" : $" matching '{filter}'")} (up to {timeout} s; Ctrl-C stops)");
        int traced = 0;
        string? end = null;
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(interrupt.Token));
            while (await reader.ReadLineAsync(interrupt.Token) is { } line)
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.TryGetProperty("end", out var e))
                {
                    end = e.GetString();
                    break;
                }
                if (traced > 0)
                {
                    Console.WriteLine();
                }
                Print(root);
                traced++;
            }
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"nfv trace: stopped after {Packets(traced)}");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            Console.Error.WriteLine($"nfv trace: the instance closed the trace after {Packets(traced)} ({ex.Message}); did it stop?");
            return 1;
        }
        switch (end)
        {
            case "count":
                return 0;
            case "timeout":
                Console.Error.WriteLine($"nfv trace: only {traced} of {Packets(count)} matched within {timeout} s");
                return 1;
            default:
                Console.Error.WriteLine($"nfv trace: the instance ended the trace after {Packets(traced)} ({end ?? "no reason given"}); did it stop?");
                return 1;
        }
    }

    private static string Packets(int n) => n == 1 ? "1 packet" : $"{n} packets";

    /// <summary>One trace: a line about the packet as received, then a table of its steps.</summary>
    internal static void Print(JsonElement trace)
    {
        var time = trace.GetProperty("time").GetDateTimeOffset();
        Console.WriteLine($"packet {trace.GetProperty("number").GetInt32()}: {time.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture)} " +
            $"on {trace.GetProperty("port").GetString()}, {trace.GetProperty("length").GetInt32()} bytes: {trace.GetProperty("summary").GetString()}");
        var rows = trace.GetProperty("steps").EnumerateArray().Select(s => new List<string>
        {
            s.GetProperty("hop").GetInt32().ToString(CultureInfo.InvariantCulture),
            s.GetProperty("function").GetString() ?? "",
            s.GetProperty("input").GetString() ?? "-",
            s.GetProperty("kind").GetString() switch
            {
                "output" => $"out {s.GetProperty("text").GetString()}",
                "drop" => $"drop {s.GetProperty("text").GetString()}",
                _ => s.GetProperty("text").GetString() ?? "",
            },
        }).ToList();
        ManagementClient.PrintTable(["hop", "function", "in", "event"], rows);
        if (trace.GetProperty("truncated").GetInt32() is > 0 and var more)
        {
            Console.WriteLine($"({more} more steps not recorded)");
        }
    }
}
