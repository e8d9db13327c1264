using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>A fixed address for one client, named by its MAC address or its client identifier (option 61).</summary>
/// <param name="Mac">The client's MAC, or null when it is named by client id.</param>
/// <param name="ClientId">The client identifier bytes, or null when it is named by MAC.</param>
/// <param name="Address">The address it always gets.</param>
/// <param name="Span">Where it is declared.</param>
public sealed record DhcpReservation(MacAddress? Mac, byte[]? ClientId, Ipv4Address Address, SourceSpan Span)
{
    /// <summary>True when the reservation is for the client that sent <paramref name="message"/>.</summary>
    internal bool Matches(DhcpMessage message) => ClientId is { } id
        ? message.ClientIdentifier is { } sent && sent.AsSpan().SequenceEqual(id)
        : Mac == message.ClientMac;
}
