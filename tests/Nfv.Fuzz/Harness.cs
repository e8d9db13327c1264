namespace Nfv.Fuzz;

/// <summary>One fuzzing target: a name for the command line and the corpus folder, what it covers, and its entry.</summary>
/// <param name="Name">The harness's name (<c>nfv-fuzz NAME</c>, <c>Corpus/NAME</c>).</param>
/// <param name="Covers">What code its inputs reach, for the list and the docs.</param>
/// <param name="Run">Runs one input; throws on a finding.</param>
internal sealed record Harness(string Name, string Covers, HarnessAction Run);

/// <summary>Runs one fuzz input.</summary>
internal delegate void HarnessAction(ReadOnlySpan<byte> input);
