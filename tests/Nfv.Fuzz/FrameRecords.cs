using System.Buffers.Binary;

namespace Nfv.Fuzz;

/// <summary>
/// The input of a graph harness: a sequence of records, so one input can hold a conversation (a NAT session opened from
/// inside, then answered from outside) and the passing of time. Each record is one byte saying what it is, a 16-bit
/// big-endian length and that many bytes: a frame received on external port <c>kind % ports</c>, or, for kind
/// <see cref="Tick"/>, time moving on by <c>length × 10 ms</c> with the functions' timers run (the record has no bytes).
/// A record cut short by the end of the input takes what is left, so every input means something.
/// </summary>
internal static class FrameRecords
{
    /// <summary>The record kind that moves time on instead of carrying a frame.</summary>
    public const byte Tick = 0xFF;

    /// <summary>One frame record, for seeds.</summary>
    public static byte[] Frame(int port, ReadOnlySpan<byte> frame) => Record((byte)port, frame.Length, frame);

    /// <summary>One tick record of <paramref name="milliseconds"/> (rounded down to 10 ms), for seeds.</summary>
    public static byte[] Wait(int milliseconds) => Record(Tick, milliseconds / 10, []);

    private static byte[] Record(byte kind, int length, ReadOnlySpan<byte> bytes)
    {
        var record = new byte[3 + bytes.Length];
        record[0] = kind;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(1), (ushort)length);
        bytes.CopyTo(record.AsSpan(3));
        return record;
    }

    /// <summary>Reads the records of <paramref name="input"/> in order.</summary>
    public static Enumerator Read(ReadOnlySpan<byte> input) => new(input);

    /// <summary>One record: its kind, and its frame (empty for a tick) or, for a tick, how long in <see cref="Length"/>.</summary>
    public readonly ref struct Entry(byte kind, int length, ReadOnlySpan<byte> frame)
    {
        public byte Kind { get; } = kind;

        public int Length { get; } = length;

        public ReadOnlySpan<byte> Frame { get; } = frame;
    }

    public ref struct Enumerator(ReadOnlySpan<byte> input)
    {
        private ReadOnlySpan<byte> _rest = input;

        public Entry Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_rest.Length < 3)
            {
                return false;
            }
            byte kind = _rest[0];
            int length = BinaryPrimitives.ReadUInt16BigEndian(_rest[1..]);
            _rest = _rest[3..];
            if (kind == Tick)
            {
                Current = new Entry(kind, length, []);
                return true;
            }
            var frame = _rest[..Math.Min(length, _rest.Length)];
            _rest = _rest[frame.Length..];
            Current = new Entry(kind, length, frame);
            return true;
        }
    }
}
