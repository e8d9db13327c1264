using Nfv.Abstractions.Headers;

namespace Nfv.Functions.Switch;

/// <summary>One learned address, as <c>nfv show mac</c> prints it.</summary>
/// <param name="Vlan">The VLAN the address was learned in.</param>
/// <param name="Mac">The address.</param>
/// <param name="Port">The index of the port it was learned on.</param>
/// <param name="Age">How long since the address was last seen as a source.</param>
public readonly record struct MacTableEntry(int Vlan, MacAddress Mac, int Port, TimeSpan Age);
