using System.Diagnostics;

namespace Nfv.Host.Lab;

/// <summary>Runs iproute2's <c>ip</c> for the slow-path setup of lab hosts (namespaces, moves, addresses).</summary>
internal static class IpCommand
{
    /// <summary>Runs <c>ip ARGS</c>; throws <see cref="LabException"/> with ip's own message when it fails.</summary>
    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new LabException("could not start 'ip' (is iproute2 installed?)");
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill();
            throw new LabException($"'ip {string.Join(' ', arguments)}' did not finish in 10 s");
        }
        if (process.ExitCode != 0)
        {
            throw new LabException($"'ip {string.Join(' ', arguments)}' failed: {error.Trim()}");
        }
    }

    /// <summary>Like <see cref="Run"/>, but returns false instead of throwing (for teardown).</summary>
    public static bool TryRun(params string[] arguments)
    {
        try
        {
            Run(arguments);
            return true;
        }
        catch (LabException)
        {
            return false;
        }
    }
}
