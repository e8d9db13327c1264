namespace Nfv.Functions.Nat;

/// <summary>Which outside packets a mapping lets in (RFC 4787 §5, <c>filtering:</c>).</summary>
public enum NatFiltering
{
    /// <summary>Any outside endpoint may send to a live mapping (<c>endpoint-independent</c>, "full cone").</summary>
    EndpointIndependent = 0,

    /// <summary>Only addresses the inside endpoint has sent to (<c>address-dependent</c>, "restricted cone").</summary>
    AddressDependent = 1,

    /// <summary>Only address and port pairs the inside endpoint has sent to (<c>address-and-port-dependent</c>, the default).</summary>
    AddressAndPortDependent = 2,
}
