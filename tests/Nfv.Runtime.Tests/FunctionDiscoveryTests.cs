using System.Reflection;
using System.Reflection.Emit;
using Nfv.Abstractions;

namespace Nfv.Runtime.Tests;

/// <summary>How functions are found: by their assembly's attribute, never by a list kept in the host.</summary>
public class FunctionDiscoveryTests
{
    [Fact]
    public void Only_assemblies_that_declare_functions_are_read_as_such()
    {
        Assert.True(FunctionDiscovery.DeclaresFunctions(typeof(Functions.Nat.NatFunctionFactory).Assembly.Location));
        Assert.True(FunctionDiscovery.DeclaresFunctions(typeof(PortBlockerFactory).Assembly.Location));
        Assert.False(FunctionDiscovery.DeclaresFunctions(typeof(INetworkFunction).Assembly.Location)); // defines the attribute, uses it nowhere
        Assert.False(FunctionDiscovery.DeclaresFunctions(typeof(FunctionDiscovery).Assembly.Location));
        var notAnAssembly = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(notAnAssembly, [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1]);
            Assert.False(FunctionDiscovery.DeclaresFunctions(notAnAssembly)); // a native library beside nfv
        }
        finally
        {
            File.Delete(notAnAssembly);
        }
    }

    [Fact]
    public void An_attribute_that_names_no_factory_is_refused_naming_the_assembly_and_the_type()
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Broken.Functions"), AssemblyBuilderAccess.Run);
        assembly.SetCustomAttribute(new CustomAttributeBuilder(
            typeof(NetworkFunctionAttribute).GetConstructor([typeof(Type)])!, [typeof(string)]));
        var error = Assert.Throws<FunctionDiscoveryException>(() => FunctionDiscovery.FactoriesIn(assembly));
        Assert.Equal("Broken.Functions: [NetworkFunction(typeof(System.String))] must name a concrete INetworkFunctionFactory with a public parameterless constructor", error.Message);
    }

    [Fact]
    public void Two_assemblies_making_the_same_kind_are_refused()
    {
        var assemblies = new[] { typeof(PortBlockerFactory).Assembly, typeof(PortBlockerFactory).Assembly };
        var error = Assert.Throws<FunctionDiscoveryException>(() => FunctionDiscovery.Catalog(assemblies));
        Assert.Contains("Two factories make kind 'test-port-blocker'", error.Message);
    }
}
