namespace Nfv.Fuzz.Tests;

/// <summary>A small deterministic mutator in the manner of afl's havoc stage: each input is a seed with 1–8 random edits.</summary>
internal sealed class Mutator(int seed, IReadOnlyList<byte[]> seeds)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x10, 0x40, 0x45, 0x08, 0x06, 0x81];
    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        var input = new List<byte>(seeds[_random.Next(seeds.Count)]);
        int edits = 1 + _random.Next(8);
        for (int e = 0; e < edits; e++)
        {
            Edit(input);
        }
        return [.. input];
    }

    private void Edit(List<byte> input)
    {
        int at = input.Count == 0 ? 0 : _random.Next(input.Count);
        int span = 1 + _random.Next(Math.Max(1, Math.Min(32, input.Count - at)));
        switch (_random.Next(7))
        {
            case 0 when input.Count > 0:
                input[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when input.Count > 0:
                input[at] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 2 when input.Count > 0:
                input[at] = (byte)_random.Next(256);
                break;
            case 3:
                var bytes = new byte[span];
                _random.NextBytes(bytes);
                input.InsertRange(at, bytes);
                break;
            case 4 when input.Count > at + span:
                input.RemoveRange(at, span);
                break;
            case 5 when input.Count >= at + span:
                input.InsertRange(at, input.GetRange(at, span));
                break;
            case 6:
                var other = seeds[_random.Next(seeds.Count)];
                int from = other.Length == 0 ? 0 : _random.Next(other.Length);
                input.RemoveRange(at, input.Count - at);
                input.AddRange(other.AsSpan(from).ToArray());
                break;
        }
    }
}
