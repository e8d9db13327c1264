using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using Nfv.Abstractions;
using Nfv.Topology;

namespace Nfv.Runtime;

/// <summary>
/// Finds network functions by the <see cref="NetworkFunctionAttribute"/> their assemblies carry. The built-in functions go
/// the same way as any other: nothing lists them by hand.
/// </summary>
public static class FunctionDiscovery
{
    private static readonly Lazy<FunctionCatalog> s_installed = new(LoadInstalled);

    /// <summary>The folder beside nfv whose subfolders hold the functions it ships as plugins (<c>functions/NAME/</c>).</summary>
    public const string BundledFolder = "functions";

    /// <summary>
    /// The functions installed beside the runtime: every assembly in the application's folder that declares functions,
    /// and the plugins it ships in <c>functions/NAME/</c> (each in a context of its own, as any plugin). Read once per
    /// process.
    /// </summary>
    public static FunctionCatalog Installed() => s_installed.Value;

    private static FunctionCatalog LoadInstalled()
    {
        var bundled = Path.Combine(AppContext.BaseDirectory, BundledFolder);
        var plugins = Directory.Exists(bundled)
            ? Directory.EnumerateDirectories(bundled).Order(StringComparer.Ordinal)
                .SelectMany(d => Directory.EnumerateFiles(d, "*.dll").Order(StringComparer.Ordinal))
                .Where(DeclaresFunctions).Select(Plugin.Load).ToList()
            : [];
        return CatalogOf(InstalledAssemblies().SelectMany(FactoriesIn).Concat(plugins.SelectMany(p => p.Factories)));
    }

    /// <summary>
    /// The installed functions and those of every plugin in <paramref name="directories"/> (each assembly there that
    /// declares functions, loaded in its own context), with the loader that holds them; a topology's own
    /// <c>plugins:</c> are loaded through the same loader.
    /// </summary>
    /// <exception cref="FunctionDiscoveryException">A folder is missing, a plugin cannot be loaded, or two make one kind.</exception>
    public static (FunctionCatalog Catalog, PluginLoader Plugins) WithPlugins(IEnumerable<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var loader = new PluginLoader();
        try
        {
            var factories = new List<INetworkFunctionFactory>();
            foreach (var directory in directories)
            {
                if (!Directory.Exists(directory))
                {
                    throw new FunctionDiscoveryException($"plugin folder {directory}: no such folder");
                }
                foreach (var file in Directory.EnumerateFiles(directory, "*.dll").Order(StringComparer.Ordinal).Where(DeclaresFunctions))
                {
                    factories.AddRange(loader.Load(file).Factories);
                }
            }
            return (Installed().With(factories), loader);
        }
        catch (Exception ex) when (ex is FunctionDiscoveryException or ArgumentException)
        {
            loader.UnloadAll(); // nothing of a refused set stays loaded
            throw ex as FunctionDiscoveryException ?? new FunctionDiscoveryException(ex.Message, ex);
        }
    }

    /// <summary>A catalog of the functions <paramref name="assemblies"/> declare.</summary>
    /// <exception cref="FunctionDiscoveryException">A declared factory cannot be made, or two make the same kind.</exception>
    public static FunctionCatalog Catalog(IEnumerable<Assembly> assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        return CatalogOf(assemblies.SelectMany(FactoriesIn));
    }

    /// <summary>A catalog of <paramref name="factories"/>; two making one kind, or overlapping prefixes, are a discovery error.</summary>
    private static FunctionCatalog CatalogOf(IEnumerable<INetworkFunctionFactory> factories)
    {
        try
        {
            return new FunctionCatalog(factories.ToList());
        }
        catch (ArgumentException ex)
        {
            throw new FunctionDiscoveryException(ex.Message, ex);
        }
    }

    /// <summary>Makes one factory of each <see cref="NetworkFunctionAttribute"/> of <paramref name="assembly"/>.</summary>
    /// <exception cref="FunctionDiscoveryException">A named type is not a factory, or its constructor failed.</exception>
    public static IReadOnlyList<INetworkFunctionFactory> FactoriesIn(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var factories = new List<INetworkFunctionFactory>();
        foreach (var attribute in assembly.GetCustomAttributes<NetworkFunctionAttribute>())
        {
            var type = attribute.Factory;
            if (!typeof(INetworkFunctionFactory).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new FunctionDiscoveryException(
                    $"{assembly.GetName().Name}: [NetworkFunction(typeof({type.FullName}))] must name a concrete {nameof(INetworkFunctionFactory)} with a public parameterless constructor");
            }
            try
            {
                factories.Add((INetworkFunctionFactory)Activator.CreateInstance(type)!);
            }
            catch (TargetInvocationException ex)
            {
                throw new FunctionDiscoveryException($"{assembly.GetName().Name}: the constructor of {type.FullName} failed: {ex.InnerException?.Message}", ex.InnerException ?? ex);
            }
        }
        return factories;
    }

    /// <summary>
    /// The assemblies in the application's folder that declare functions. Each file's metadata is read without loading it
    /// (a few milliseconds for the whole folder); only those that carry the attribute are loaded.
    /// </summary>
    private static IEnumerable<Assembly> InstalledAssemblies()
    {
        foreach (var path in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Order(StringComparer.Ordinal))
        {
            if (DeclaresFunctions(path))
            {
                yield return AssemblyLoadContext.Default.LoadFromAssemblyName(AssemblyName.GetAssemblyName(path));
            }
        }
    }

    /// <summary>True when the assembly at <paramref name="path"/> carries a <see cref="NetworkFunctionAttribute"/>; false for any other file.</summary>
    public static bool DeclaresFunctions(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var image = new PEReader(stream);
            if (!image.HasMetadata)
            {
                return false;
            }
            var metadata = image.GetMetadataReader();
            if (!metadata.IsAssembly)
            {
                return false;
            }
            foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
            {
                var constructor = metadata.GetCustomAttribute(handle).Constructor;
                if (constructor.Kind == HandleKind.MemberReference &&
                    metadata.GetMemberReference((MemberReferenceHandle)constructor).Parent is { Kind: HandleKind.TypeReference } parent)
                {
                    var type = metadata.GetTypeReference((TypeReferenceHandle)parent);
                    if (metadata.StringComparer.Equals(type.Name, nameof(NetworkFunctionAttribute)) &&
                        metadata.StringComparer.Equals(type.Namespace, typeof(NetworkFunctionAttribute).Namespace!))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        catch (BadImageFormatException)
        {
            return false; // a native library beside nfv
        }
    }
}

/// <summary>An assembly declares functions that cannot be used: the message names the assembly and the type.</summary>
public sealed class FunctionDiscoveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FunctionDiscoveryException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public FunctionDiscoveryException(string message, Exception inner) : base(message, inner)
    {
    }
}
