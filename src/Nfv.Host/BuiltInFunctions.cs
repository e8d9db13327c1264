using Nfv.Abstractions;
using Nfv.Functions.Dhcp;
using Nfv.Functions.Nat;
using Nfv.Functions.Router;
using Nfv.Functions.Switch;
using Nfv.Topology;

namespace Nfv.Host;

/// <summary>The network functions this build of nfv knows, by kind.</summary>
internal static class BuiltInFunctions
{
    public static FunctionCatalog CreateCatalog() => new(new INetworkFunctionFactory[]
    {
        new SwitchFunctionFactory(),
        new RouterFunctionFactory(),
        new NatFunctionFactory(),
        new DhcpFunctionFactory(),
    });
}
