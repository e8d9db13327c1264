using System.Reflection;
using System.Runtime.Loader;
using Nfv.Abstractions;

namespace Nfv.Runtime;

/// <summary>
/// One plugin assembly loaded from its folder, in a collectible load context of its own: its dependencies come from its
/// folder, the contract (Nfv.Abstractions, Nfv.Ip, logging) from nfv, so its functions implement nfv's interfaces.
/// </summary>
public sealed class Plugin
{
    // What a plugin shares with nfv rather than bringing its own copy: the types its functions are seen through.
    private static readonly string[] s_shared = ["Nfv.Abstractions", "Nfv.Ip", "Microsoft.Extensions.Logging.Abstractions"];

    private readonly LoadContext _context;

    private Plugin(string path, LoadContext context, IReadOnlyList<INetworkFunctionFactory> factories)
    {
        Path = path;
        _context = context;
        Factories = factories;
    }

    /// <summary>The plugin's assembly file.</summary>
    public string Path { get; }

    /// <summary>The factories its <see cref="NetworkFunctionAttribute"/>s declare.</summary>
    public IReadOnlyList<INetworkFunctionFactory> Factories { get; }

    /// <summary>Loads the plugin at <paramref name="path"/> and makes its factories.</summary>
    /// <exception cref="FunctionDiscoveryException">
    /// The file is missing or not a .NET assembly, declares no function, was built against a newer contract than this
    /// nfv has, or a factory cannot be made; the message names the file.
    /// </exception>
    public static Plugin Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FunctionDiscoveryException($"plugin {path}: no such file");
        }
        if (!FunctionDiscovery.DeclaresFunctions(full))
        {
            throw new FunctionDiscoveryException($"plugin {path}: not a .NET assembly that declares functions ([assembly: NetworkFunction(typeof(...))])");
        }
        var context = new LoadContext(full);
        try
        {
            var assembly = context.LoadFromAssemblyPath(full);
            CheckContract(path, assembly);
            return new Plugin(full, context, FunctionDiscovery.FactoriesIn(assembly));
        }
        catch (Exception ex) when (ex is not FunctionDiscoveryException)
        {
            context.Unload();
            throw new FunctionDiscoveryException($"plugin {path}: {ex.Message}", ex);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    /// <summary>
    /// Lets the plugin's assemblies go: once nothing uses its functions (no running topology holds them), the runtime
    /// collects its load context.
    /// </summary>
    public void Unload() => _context.Unload();

    /// <summary>A weak handle on the plugin's load context, to tell when it has been collected.</summary>
    public WeakReference Handle() => new(_context);

    // A plugin built against a newer contract may call what this nfv lacks: refuse it by name rather than fail later.
    private static void CheckContract(string path, Assembly assembly)
    {
        var ours = typeof(INetworkFunction).Assembly.GetName();
        var theirs = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == ours.Name);
        if (theirs?.Version is { } wanted && ours.Version is { } have && (wanted.Major != have.Major || wanted > have))
        {
            throw new FunctionDiscoveryException(
                $"plugin {path} was built against Nfv.Abstractions {wanted}, and this nfv has {have}: rebuild it against {have.Major}.x no newer than {have}");
        }
    }

    private sealed class LoadContext(string path) : AssemblyLoadContext($"plugin {System.IO.Path.GetFileName(path)}", isCollectible: true)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName name) =>
            s_shared.Contains(name.Name) ? null // from nfv's own context
            : _resolver.ResolveAssemblyToPath(name) is { } file ? LoadFromAssemblyPath(file)
            : null; // the framework, from nfv's context

        protected override nint LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } file ? LoadUnmanagedDllFromPath(file) : 0;
    }
}
