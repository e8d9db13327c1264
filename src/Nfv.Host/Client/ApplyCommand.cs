using System.CommandLine;
using System.Net.Http.Json;
using System.Text;
using Nfv.Management;

namespace Nfv.Host.Client;

/// <summary>
/// <c>nfv apply FILE [--dry-run]</c>: sends a new version of the running topology's file to the nfv that runs it, which
/// compares the two and changes only what differs (<c>POST /api/apply</c>); prints the plan, one line per change, and
/// what became of each function. An invalid file, or one the running lab cannot take, changes nothing (exit 1).
/// </summary>
internal static class ApplyCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The topology file: the running one's, changed." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would change, and change nothing." };
        var address = ManagementClient.AddressOption();
        var token = ManagementClient.TokenOption();
        var command = new Command("apply", "Changes a running topology to match its file, keeping the state of what did not change.")
        {
            file,
            dryRun,
            address,
            token,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = Path.GetFullPath(parse.GetValue(file)!);
            string text;
            try
            {
                text = await File.ReadAllTextAsync(path, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"nfv apply: cannot read {path}: {ex.Message}");
                return 1;
            }
            bool dry = parse.GetValue(dryRun);
            // Applying waits for new hosts' DHCP leases, so it may take as long as nfv's DHCP timeout and more.
            using var http = ManagementClient.Create(parse.GetValue(address)!, parse.GetValue(token), TimeSpan.FromMinutes(2));
            string query = $"/api/apply?path={Uri.EscapeDataString(path)}{(dry ? "&dry-run=true" : "")}";
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(query, new StringContent(text, Encoding.UTF8, "application/yaml"), cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                Console.Error.WriteLine($"nfv apply: no nfv answers on {http.BaseAddress!.Authority} ({ex.Message}); is it running? Its address is on its 'management:' line.");
                return 1;
            }
            using (response)
            {
                if (response.StatusCode is not (System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.UnprocessableEntity))
                {
                    Console.Error.WriteLine($"nfv apply: {(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    return 1;
                }
                var result = (await response.Content.ReadFromJsonAsync(ManagementJson.Api.ApplyResult, cancellationToken))!;
                return Print(result, dry);
            }
        });
        return command;
    }

    private static int Print(ApplyResult result, bool dryRun)
    {
        foreach (var line in result.Plan)
        {
            Console.Out.WriteLine($"  {line}");
        }
        foreach (var error in result.Errors)
        {
            Console.Error.WriteLine($"nfv apply: {error}");
        }
        if (!result.Applied && result.Errors.Count > 0)
        {
            Console.Error.WriteLine("nfv apply: nothing was changed");
            return 1;
        }
        Console.Out.WriteLine(result.Plan.Count == 0 ? "Nothing to change: the lab runs this file."
            : dryRun ? "Dry run: nothing was changed."
            : result.Errors.Count > 0 ? "Applied, except as said above."
            : "Applied.");
        return result.Errors.Count > 0 ? 1 : 0;
    }
}
