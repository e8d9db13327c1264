using System.Net;

namespace Nfv.Management;

/// <summary>The <c>Nfv:Management</c> section: where the management API and <c>/metrics</c> listen.</summary>
public sealed class ManagementOptions
{
    /// <summary>The default address: loopback only.</summary>
    public const string DefaultAddress = "127.0.0.1:9470";

    /// <summary><c>IP:PORT</c> to listen on; port 0 picks a free one (the "is up" line says which).</summary>
    public string Address { get; set; } = DefaultAddress;

    /// <summary>A bearer token every request must carry; required when <see cref="Address"/> is not loopback.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Checks the settings; returns the endpoint to listen on, or an error saying what is wrong.
    /// A non-loopback address without a token is refused: the API shows the whole lab to whoever can reach it.
    /// </summary>
    public (IPEndPoint? Endpoint, string? Error) Resolve()
    {
        if (!IPEndPoint.TryParse(Address, out var endpoint) || endpoint.Port is < 0 or > 65535 || !Address.Contains(':'))
        {
            return (null, $"Nfv:Management:Address must be IP:PORT (such as {DefaultAddress}), not '{Address}'");
        }
        if (!IPAddress.IsLoopback(endpoint.Address) && string.IsNullOrEmpty(Token))
        {
            return (null, $"the management API would listen on {Address}, which is not loopback, without a token; set Nfv:Management:Token or use a 127.x address");
        }
        return (endpoint, null);
    }
}
