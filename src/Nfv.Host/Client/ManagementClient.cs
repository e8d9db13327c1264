using System.CommandLine;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nfv.Management;

namespace Nfv.Host.Client;

/// <summary>
/// What the client verbs (<c>nfv show</c>, <c>nfv trace</c>, <c>nfv capture</c>) share: the <c>--address</c> and
/// <c>--token</c> options, the HTTP client, the one-line errors, Ctrl-C, and tables.
/// </summary>
internal static class ManagementClient
{
    /// <summary><c>--address IP:PORT</c>, default 127.0.0.1:9470.</summary>
    public static Option<string> AddressOption() => new("--address")
    {
        Description = "IP:PORT of the instance's management API.",
        DefaultValueFactory = _ => ManagementOptions.DefaultAddress,
    };

    /// <summary><c>--token TOKEN</c>.</summary>
    public static Option<string?> TokenOption() => new("--token") { Description = "The instance's Nfv:Management:Token, if it has one." };

    /// <summary>An HTTP client for the instance at <paramref name="address"/>; <paramref name="timeout"/> null for a stream that lasts.</summary>
    public static HttpClient Create(string address, string? token, TimeSpan? timeout)
    {
        var http = new HttpClient
        {
            BaseAddress = new Uri($"http://{address}"),
            Timeout = timeout ?? Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    /// <summary>
    /// GETs <paramref name="path"/> (headers only: the body may be a stream). Null after printing one line saying why when
    /// nothing answers or the answer is an error.
    /// </summary>
    public static Task<HttpResponseMessage?> GetAsync(HttpClient http, string verb, string path, CancellationToken cancellationToken) =>
        SendAsync(http, verb, HttpMethod.Get, path, cancellationToken);

    /// <summary>Like <see cref="GetAsync"/>, with any method (<c>POST</c> for actions) and, for <c>PUT</c>, a body.</summary>
    public static async Task<HttpResponseMessage?> SendAsync(HttpClient http, string verb, HttpMethod method, string path, CancellationToken cancellationToken,
        HttpContent? content = null)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"nfv {verb}: no nfv answers on {http.BaseAddress!.Authority} ({ex.Message}); is it running? Its address is on its 'management:' line.");
            return null;
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            string? error = response.ReasonPhrase;
            try
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var e))
                {
                    error = e.GetString();
                }
            }
            catch (JsonException)
            {
            }
            Console.Error.WriteLine($"nfv {verb}: {error}");
            return null;
        }
    }

    /// <summary>A token cancelled by Ctrl-C (SIGINT) or SIGTERM, which then no longer kill the process: the verb ends cleanly.</summary>
    public static (CancellationTokenSource Source, IDisposable Registration) CancelOnInterrupt()
    {
        var cts = new CancellationTokenSource();
        void Handler(PosixSignalContext context)
        {
            context.Cancel = true;
            cts.Cancel();
        }
        var registrations = new[]
        {
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handler),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handler),
        };
        return (cts, new Registrations(registrations));
    }

    /// <summary>Prints a table: upper-case headers, columns padded to their widest value.</summary>
    public static void PrintTable(IReadOnlyList<string> columns, IReadOnlyList<List<string>> rows)
    {
        var widths = columns.Select((c, i) => Math.Max(c.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join("  ", columns.Select((c, i) => c.ToUpperInvariant().PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))).TrimEnd());
        }
        if (rows.Count == 0)
        {
            Console.WriteLine("(empty)");
        }
    }

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }
}
