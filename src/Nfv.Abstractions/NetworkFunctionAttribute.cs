namespace Nfv.Abstractions;

/// <summary>
/// Says that an assembly makes network functions: <c>[assembly: NetworkFunction(typeof(SwitchFunctionFactory))]</c>, one per
/// kind. The runtime finds functions through this attribute alone, the built-in ones included: an assembly that carries
/// it and lies beside nfv (or in a plugin folder) adds its kinds, and nothing lists them by hand.
/// </summary>
/// <param name="factory">An <see cref="INetworkFunctionFactory"/> with a public parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class NetworkFunctionAttribute(Type factory) : Attribute
{
    /// <summary>The factory type.</summary>
    public Type Factory { get; } = factory;
}
