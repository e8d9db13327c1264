using System.Security.Cryptography;

namespace Nfv.IntegrationTests;

/// <summary>
/// One test's lab: a unique name prefix for every namespace and TAP it makes, a temp folder for its
/// topology, and a teardown that removes whatever is left with that prefix, even when the test failed.
/// </summary>
public sealed class Lab : IAsyncDisposable
{
    private readonly List<NfvProcess> _processes = [];
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly List<string> _namespaces = [];
    private readonly List<string> _interfaces = [];

    public Lab()
    {
        // 'nt' + 4 hex: short enough that prefix + "-t9" fits a 15-character interface name.
        Prefix = "nt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        Directory = System.IO.Directory.CreateTempSubdirectory($"nfv-{Prefix}-").FullName;
    }

    public string Prefix { get; }

    public string Directory { get; }

    /// <summary>A lab host (namespace) name unique to this run.</summary>
    public string Host(string name)
    {
        var full = $"{Prefix}-{name}";
        _namespaces.Add(full);
        return full;
    }

    /// <summary>A TAP name unique to this run.</summary>
    public string Tap(string name)
    {
        var full = $"{Prefix}-{name}";
        _interfaces.Add(full);
        return full;
    }

    /// <summary>
    /// Something the test started (a DHCP client, a DHCP server) that teardown stops first, before nfv and the
    /// namespaces go: a DHCP client still releases its lease through a running nfv.
    /// </summary>
    public T Add<T>(T resource) where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    /// <summary>Writes a topology file into the lab's folder; returns its path.</summary>
    public string WriteTopology(string fileName, string yaml)
    {
        var path = Path.Combine(Directory, fileName);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>
    /// Starts nfv in the lab's folder. <c>run</c> gets a free management port unless the test picks one, so tests
    /// never collide with each other or with an nfv the user is running, and keeps its state (DHCP leases) in the
    /// lab's folder, never in the machine's /var/lib/nfv.
    /// </summary>
    public NfvProcess StartNfv(params string[] arguments) => StartNfv(new Dictionary<string, string>(), arguments);

    /// <summary>Like <see cref="StartNfv(string[])"/>, with <paramref name="environment"/> added to nfv's environment.</summary>
    public NfvProcess StartNfv(IReadOnlyDictionary<string, string> environment, params string[] arguments) => StartNfvIn(null, environment, arguments);

    /// <summary>Like <see cref="StartNfv(string[])"/>, started by <paramref name="launcher"/>, which execs <c>dotnet</c> after it.</summary>
    public NfvProcess StartNfvBy(IReadOnlyList<string> launcher, params string[] arguments) => StartNfvIn(null, new Dictionary<string, string>(), arguments, launcher);

    /// <summary>Runs nfv in network namespace <paramref name="netns"/> (a node of a split topology) and waits until its part is up.</summary>
    public async Task<NfvProcess> RunInAsync(string netns, params string[] arguments)
    {
        var nfv = StartNfvIn(netns, new Dictionary<string, string>(), ["run", .. arguments]);
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return nfv;
    }

    private NfvProcess StartNfvIn(string? netns, IReadOnlyDictionary<string, string> environment, string[] arguments, IReadOnlyList<string>? launcher = null)
    {
        if (arguments is ["run", ..] && !arguments.Any(a => a.StartsWith("--Nfv:Management:Address", StringComparison.Ordinal)))
        {
            arguments = [.. arguments, "--Nfv:Management:Address=127.0.0.1:0"];
        }
        if (arguments is ["run", ..] && !arguments.Any(a => a.StartsWith("--Nfv:StateDirectory", StringComparison.Ordinal)))
        {
            arguments = [.. arguments, $"--Nfv:StateDirectory={StateDirectory}"];
        }
        var process = NfvProcess.Start(Directory, environment, arguments, netns, launcher);
        _processes.Add(process);
        return process;
    }

    /// <summary>Where the nfv processes of this lab keep their state.</summary>
    public string StateDirectory => Path.Combine(Directory, "state");

    /// <summary>Runs nfv and waits until the topology is up; <paramref name="settings"/> follow the file (<c>--Nfv:Workers=2</c>).</summary>
    public async Task<NfvProcess> RunAsync(string topologyPath, params string[] settings)
    {
        var nfv = StartNfv(["run", topologyPath, .. settings]);
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return nfv;
    }

    /// <summary>
    /// topologies/home-router.yaml as shipped, written into the lab with this lab's namespace and TAP names; returns its
    /// path and the names of the hosts h1, h2 and internet.
    /// </summary>
    public (string Path, string H1, string H2, string Internet) ShippedHomeRouter()
    {
        string h1 = Host("h1"), h2 = Host("h2"), internet = Host("inet");
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "topologies", "home-router.yaml"));
        // Without its tests: they name the hosts as shipped (ShippedLabTests runs them, in a sandbox, as shipped).
        var yaml = shipped[..shipped.IndexOf("\ntests:", StringComparison.Ordinal)]
            .Replace("  h1:       {", $"  {h1}: {{", StringComparison.Ordinal)
            .Replace("  h2:       {", $"  {h2}: {{", StringComparison.Ordinal)
            .Replace("  internet: {", $"  {internet}: {{", StringComparison.Ordinal)
            .Replace("nfv-home-lan1", Tap("l1"), StringComparison.Ordinal)
            .Replace("nfv-home-lan2", Tap("l2"), StringComparison.Ordinal)
            .Replace("nfv-home-wan", Tap("w"), StringComparison.Ordinal);
        return (WriteTopology("home-router.yaml", yaml), h1, h2, internet);
    }

    public static bool NamespaceExists(string name) => File.Exists($"/run/netns/{name}");

    public static bool InterfaceExists(string name) => System.IO.Directory.Exists($"/sys/class/net/{name}");

    public async ValueTask DisposeAsync()
    {
        for (int i = _resources.Count - 1; i >= 0; i--)
        {
            await _resources[i].DisposeAsync();
        }
        foreach (var process in _processes)
        {
            process.Dispose();
        }
        foreach (var ns in _namespaces)
        {
            await Shell.DeleteNamespaceAsync(ns);
        }
        foreach (var name in _interfaces)
        {
            if (InterfaceExists(name))
            {
                await Shell.RunAsync("ip", "link", "delete", name);
            }
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
