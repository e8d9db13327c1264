using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>Reading a running nfv's management API from tests.</summary>
public static class ManagementJson
{
    /// <summary>GETs <paramref name="path"/> and returns its JSON.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string path) =>
        JsonDocument.Parse(await http.GetStringAsync(path)).RootElement;

    /// <summary>The <c>state</c> of the entry named <paramref name="name"/> in <c>/api/ports</c> or <c>/api/hosts</c>.</summary>
    public static async Task<string> StateAsync(this HttpClient http, string collection, string name) =>
        (await http.GetJsonAsync($"/api/{collection}")).EnumerateArray()
            .First(e => e.GetProperty("name").GetString() == name).GetProperty("state").GetString()!;

    /// <summary>The rows of table <paramref name="table"/> (each starting with its function), as <c>/api/tables/NAME</c> gives them.</summary>
    public static async Task<List<JsonElement>> TableRowsAsync(this NfvProcess nfv, string table, bool eachInstance = false)
    {
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        return [.. (await http.GetJsonAsync($"/api/tables/{table}{(eachInstance ? "?instances=each" : "")}")).GetProperty("rows").EnumerateArray()];
    }
}
