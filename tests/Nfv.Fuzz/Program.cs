using Nfv.Fuzz;
using SharpFuzz;

// nfv-fuzz                     lists the harnesses
// nfv-fuzz HARNESS             under afl-fuzz: the persistent fork server; otherwise one input from stdin
// nfv-fuzz HARNESS FILE...     runs each file once and says which fail (to reproduce a finding)
if (args.Length == 0 || Harnesses.Find(args[0]) is not { } harness)
{
    if (args.Length > 0)
    {
        Console.Error.WriteLine($"nfv-fuzz: no harness '{args[0]}'");
    }
    foreach (var h in Harnesses.All)
    {
        Console.WriteLine($"{h.Name,-14} {h.Covers}");
    }
    return args.Length == 0 ? 0 : 2;
}

if (args.Length == 1)
{
    var buffer = new MemoryStream();
    Fuzzer.Run(stream =>
    {
        buffer.SetLength(0);
        stream.CopyTo(buffer);
        harness.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

int failed = 0;
foreach (string file in args[1..])
{
    try
    {
        harness.Run(File.ReadAllBytes(file));
    }
    catch (Exception ex)
    {
        failed++;
        Console.WriteLine($"{file}: {ex}");
    }
}
Console.WriteLine($"{args.Length - 1 - failed} passed, {failed} failed");
return failed == 0 ? 0 : 1;
