using BenchmarkDotNet.Running;

namespace Nfv.Benchmarks;

/// <summary>
/// Runs the micro-benchmarks: <c>dotnet run -c Release --project bench/Nfv.Benchmarks -- --filter '*Switch*'</c>.
/// Every benchmark class in this assembly joins the switcher; see bench/README.md for recorded figures.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
