using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Nfv.Abstractions.Configuration;
using Nfv.Dataplane.Graph;
using Nfv.Lab;
using Nfv.Management;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary>
/// <c>nfv apply</c>'s server side: a new version of the running topology's file, compared with what runs and applied
/// without restarting what did not change (<see cref="TopologyDiff"/>, <see cref="TopologyUpdate"/>, and
/// <see cref="LabHosts.ApplyAsync"/> for ports and hosts). Reached by <c>POST /api/apply</c> and by SIGHUP, which
/// re-reads the file nfv runs.
/// </summary>
internal sealed partial class NfvHostedService : ITopologyApplier
{
    private readonly SemaphoreSlim _applying = new(1, 1);
    private Func<string, string, TopologyLoadResult>? _reader;
    private PosixSignalRegistration? _hangUp;

    public async Task<ApplyResult> ApplyAsync(string text, string path, bool dryRun, CancellationToken cancellationToken)
    {
        var result = await PlanAndApplyAsync(text, path, dryRun, cancellationToken);
        if (!result.Applied && result.Errors.Count > 0)
        {
            HostLog.ApplyRefused(_logger, path, string.Join("; ", result.Errors)); // one line, from the API or SIGHUP alike
        }
        return result;
    }

    private async Task<ApplyResult> PlanAndApplyAsync(string text, string path, bool dryRun, CancellationToken cancellationToken)
    {
        await _applying.WaitAsync(cancellationToken);
        try
        {
            TopologyLoadResult loaded;
            try
            {
                _reader ??= TopologyFile.Reader(options.Value.PluginDirectories);
                loaded = _reader(text, path);
            }
            catch (FunctionDiscoveryException ex)
            {
                return new ApplyResult(false, [], [ex.Message]);
            }
            if (!loaded.Succeeded)
            {
                return new ApplyResult(false, [], [.. loaded.Diagnostics.Select(d => d.ToString())]);
            }
            var warnings = loaded.Diagnostics.Select(d => d.ToString()).ToList();
            var diff = TopologyDiff.Between(runtime.Topology, loaded.Topology!);
            if (runtime.Running is not { } running || runtime.Hosts is not { } hosts)
            {
                return new ApplyResult(false, [], ["the lab is not up yet"]);
            }
            var update = TopologyUpdate.Plan(diff, running.Graph);
            IReadOnlyList<string> plan = [.. update.Describe(), .. warnings];
            if (diff.Refusals.Count > 0)
            {
                return new ApplyResult(false, plan, diff.Refusals);
            }
            if (dryRun || diff.IsEmpty)
            {
                return new ApplyResult(false, plan, []);
            }
            return await ApplyAsync(update, plan, hosts, running.Worker, cancellationToken);
        }
        finally
        {
            _applying.Release();
        }
    }

    private async Task<ApplyResult> ApplyAsync(TopologyUpdate update, IReadOnlyList<string> plan, LabHosts hosts, WorkerGroup worker,
        CancellationToken cancellationToken)
    {
        var diff = update.Diff;
        var stateDirectory = Path.Combine(options.Value.StateDirectory, diff.Next.Name);
        // A kill -9 from now on must find every namespace this run may have made, those that go and those that come.
        LabLeftovers.Record(stateDirectory, diff.Running.NamespaceHosts.Concat(diff.Next.NamespaceHosts).Select(h => h.Name).Distinct());
        PacketGraph? previous = null;
        IReadOnlyList<string> failed;
        try
        {
            failed = await hosts.ApplyAsync(diff, async ports =>
            {
                previous = await worker.ReplaceGraphAsync(running => update.Replace(running, ports, GraphOptions(), time, loggers, _captures, stateDirectory));
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is TopologyUpdateException or LabException)
        {
            return new ApplyResult(false, plan, [ex.Message]);
        }
        finally
        {
            LabLeftovers.Record(stateDirectory, hosts.Topology.NamespaceHosts.Select(h => h.Name));
        }
        await worker.InvokeAsync(() =>
        {
            update.Discard(previous!);
            return true;
        });
        _graph = worker.Graph;
        runtime.Applied(diff.Next, worker.Graph);
        metrics.Declare();
        HostLog.Applied(_logger, diff.Next.FilePath, diff.Changes.Count, string.Join("; ", plan));
        foreach (var failure in failed)
        {
            HostLog.ApplyHostFailed(_logger, failure);
        }
        return new ApplyResult(true, plan, failed);
    }

    /// <summary>SIGHUP: applies the file nfv runs, as it is on disk now, and logs what it did.</summary>
    private void ListenForHangUp()
    {
        _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // the default ends the process
            _ = ReapplyFileAsync();
        });
    }

    private async Task ReapplyFileAsync()
    {
        string path = runtime.Topology.FilePath;
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HostLog.ApplyRefused(_logger, path, $"cannot read it: {ex.Message}");
            return;
        }
        var result = await ApplyAsync(text, path, dryRun: false, CancellationToken.None);
        if (!result.Applied && result.Errors.Count == 0)
        {
            HostLog.NothingToApply(_logger, path);
        }
    }
}
