using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Dataplane.Ports;
using Nfv.Lab;
using Nfv.Management;
using Nfv.Topology;
using Prometheus;

namespace Nfv.Host.Commands;

/// <summary><c>nfv run [FILE]</c>: runs a topology with its lab hosts, the management API and metrics, until stopped.</summary>
internal static class RunCommand
{
    /// <summary><c>nfv run [FILE]</c>.</summary>
    public static Command Create()
    {
        var file = new Argument<string?>("file")
        {
            Description = "The topology file to run; without it, the Nfv:Topology setting of appsettings.json.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var node = new Option<string?>("--node")
        {
            Description = "In a topology split over machines (nodes:), the node this machine is: runs its part, with tunnels to the others.",
        };
        var command = new Command("run", "Runs a topology with its lab hosts until Ctrl-C or SIGTERM, then removes everything it created.")
        {
            file,
            node,
        };
        // Anything after the file is host configuration: --Nfv:StatsInterval=00:00:05, --Logging:LogLevel:Default=Debug.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) =>
        {
            // `nfv run --Nfv:Key=value` (no file): the setting is not a file name.
            var path = parse.GetValue(file);
            return path is not null && path.StartsWith("--", StringComparison.Ordinal)
                ? RunAsync(null, parse.GetValue(node), [path, .. parse.UnmatchedTokens])
                : RunAsync(path, parse.GetValue(node), [.. parse.UnmatchedTokens]);
        });
        return command;
    }

    private static async Task<int> RunAsync(string? file, string? node, string[] hostArguments)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // appsettings.json is read once, not watched: the watcher would follow every file written anywhere under
            // the current folder (a build, a fuzzer), allocating for each (11 MB/s seen beside afl-fuzz in a soak),
            // and nothing in nfv reloads settings while it runs.
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. hostArguments],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        // The web stack's request lines are noise in a lab's log wherever nfv runs from (appsettings.json, read from the
        // current folder, says the same; it and the command line still override these defaults).
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            },
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        // Logs go to stderr; stdout carries the lines a user (or a script) reads.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // Under systemd (Type=notify): readiness and stop notifications, journald-friendly logs. A no-op elsewhere.
        builder.Services.AddSystemd();
        builder.Services.AddOptions<NfvOptions>().BindConfiguration(NfvOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NfvOptions>, NfvOptionsValidator>();

        NfvOptions options;
        try
        {
            options = builder.Configuration.GetSection(NfvOptions.Section).Get<NfvOptions>() ?? new NfvOptions();
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"nfv run: bad setting in the Nfv section: {ex.Message}");
            return 1;
        }
        var path = file ?? options.Topology;

        if (TopologyFile.Load(path, Console.Error, options.PluginDirectories) is not { } whole)
        {
            return 1;
        }
        if (TopologyFile.Part(whole, node, Console.Error) is not { } topology)
        {
            return 1;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("nfv run: creating TAP devices and network namespaces needs root (CAP_NET_ADMIN); run it with sudo.");
            return 1;
        }
        // A run of this topology killed before it could clean up left its hosts' namespaces: remove them first.
        var (leftovers, crashedPid) = LabLeftovers.Clean(Path.Combine(options.StateDirectory, topology.Name));
        if (leftovers.Count > 0)
        {
            Console.Error.WriteLine($"nfv run: removed {string.Join(", ", leftovers)}, left by a run of '{topology.Name}' (pid {crashedPid}) that did not stop cleanly");
        }
        var machine = MachineChecks.Check(topology, new LinuxMachineProbe());
        TopologyFile.Print(machine, Console.Error);
        if (machine.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return 1;
        }
        var (management, managementError) = options.Management.Resolve();
        if (managementError is null && !CanListen(management!, out var listenError))
        {
            managementError = $"cannot listen on {management} for the management API ({listenError}); is another nfv running? " +
                "Pick another address with --Nfv:Management:Address=127.0.0.1:PORT";
        }
        if (managementError is not null)
        {
            Console.Error.WriteLine($"nfv run: {managementError}");
            return 1;
        }

        var runtime = new RunningTopology(topology);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(management!));
        builder.Services.AddSingleton(topology);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(new NfvMetrics(runtime, Metrics.DefaultRegistry));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<NfvHostedService>();
        try
        {
            await using var app = builder.Build();
            app.MapNfvManagement(runtime, options.Management.Token);
            await app.RunAsync();
            return Environment.ExitCode;
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine($"nfv run: bad setting: {string.Join("; ", ex.Failures)}");
            return 1;
        }
        catch (TapException ex) when (ex.IsPermissionDenied)
        {
            Console.Error.WriteLine($"nfv run: not allowed to create TAP devices ({ex.Message}); run it as root or with CAP_NET_ADMIN.");
            return 1;
        }
        catch (Exception ex) when (ex is TapException or LabException or FunctionStartException)
        {
            Console.Error.WriteLine($"nfv run: could not set up topology '{topology.Name}': {ex.Message}");
            return 1;
        }
    }

    private static bool CanListen(IPEndPoint endpoint, out string? error)
    {
        try
        {
            var probe = new TcpListener(endpoint);
            probe.Start();
            probe.Stop();
            error = null;
            return true;
        }
        catch (SocketException ex)
        {
            error = ex.Message;
            return false;
        }
    }
}
