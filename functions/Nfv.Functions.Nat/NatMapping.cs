namespace Nfv.Functions.Nat;

/// <summary>When an inside endpoint gets another external endpoint (RFC 4787 §4.1, <c>mapping:</c>).</summary>
public enum NatMapping
{
    /// <summary>Never: one external endpoint whatever the remote (<c>endpoint-independent</c>, the default; REQ-1).</summary>
    EndpointIndependent = 0,

    /// <summary>For each remote address (<c>address-dependent</c>).</summary>
    AddressDependent = 1,

    /// <summary>For each remote address and port (<c>address-and-port-dependent</c>, "symmetric").</summary>
    AddressAndPortDependent = 2,
}
