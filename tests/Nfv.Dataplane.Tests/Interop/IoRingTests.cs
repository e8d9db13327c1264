using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Nfv.Dataplane.Interop;

namespace Nfv.Dataplane.Tests.Interop;

/// <summary>The io_uring under batched TAP reads and writes, on a pipe (no root needed).</summary>
public sealed class IoRingTests : IDisposable
{
    private readonly AnonymousPipeServerStream _writeEnd = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _readEnd;
    private readonly IoRing _ring;

    public IoRingTests()
    {
        _readEnd = new AnonymousPipeClientStream(PipeDirection.In, _writeEnd.ClientSafePipeHandle);
        _ring = IoRing.TryCreate(8, out var whyNot) ?? throw new InvalidOperationException(whyNot);
    }

    public void Dispose()
    {
        _ring.Dispose();
        _readEnd.Dispose();
        _writeEnd.Dispose();
    }

    private int WriteFd => (int)_writeEnd.SafePipeHandle.DangerousGetHandle();

    private int ReadFd => (int)_readEnd.SafePipeHandle.DangerousGetHandle();

    [Fact]
    public unsafe void Writes_handed_over_in_one_call_all_complete_in_order_with_what_write_would_return()
    {
        Assert.Equal(8, _ring.Entries);
        byte[][] parts = [.. Enumerable.Range(0, 8).Select(i => Encoding.ASCII.GetBytes($"part {i};"))];
        var pins = parts.Select(p => GCHandle.Alloc(p, GCHandleType.Pinned)).ToArray();
        var results = new Dictionary<ulong, int>();
        try
        {
            for (int i = 0; i < parts.Length; i++)
            {
                _ring.PrepareWrite(WriteFd, (byte*)pins[i].AddrOfPinnedObject(), parts[i].Length, (ulong)i);
            }
            Assert.Equal(8, _ring.Prepared);
            Assert.Throws<InvalidOperationException>(() => _ring.PrepareWrite(WriteFd, null, 0, 99)); // full until submitted

            Assert.True(_ring.SubmitAndWait(out var error), error.ToString());
            Assert.Equal(0, _ring.Prepared);
            while (_ring.TryTakeCompletion(out ulong index, out int result))
            {
                results.Add(index, result);
            }
        }
        finally
        {
            foreach (var pin in pins)
            {
                pin.Free();
            }
        }

        Assert.Equal(Enumerable.Range(0, 8).ToDictionary(i => (ulong)i, i => parts[i].Length), results);
        var expected = string.Concat(parts.Select(Encoding.ASCII.GetString));
        var read = new byte[expected.Length];
        _readEnd.ReadExactly(read);
        Assert.Equal(expected, Encoding.ASCII.GetString(read));
    }

    [Fact]
    public async Task A_read_with_nothing_to_read_fails_at_once_with_EAGAIN_and_one_with_data_returns_it()
    {
        var buffer = GC.AllocateArray<byte>(64, pinned: true);

        // Nothing in the pipe: the call returns (it would wait for ever were the read left pending), the read EAGAIN.
        PrepareRead(buffer, 0, 64, 1);
        var submitted = Task.Run(() => _ring.SubmitAndWait(out _));
        Assert.True(await Task.WhenAny(submitted, Task.Delay(TimeSpan.FromSeconds(5))) == submitted, "the call waited for data");
        Assert.True(_ring.TryTakeCompletion(out ulong userData, out int result));
        Assert.Equal((1UL, -11), (userData, result));

        _writeEnd.Write("frame"u8);
        PrepareRead(buffer, 0, 32, 2);
        PrepareRead(buffer, 32, 32, 3);
        Assert.True(_ring.SubmitAndWait(out _));
        Assert.True(_ring.TryTakeCompletion(out userData, out result));
        Assert.Equal((2UL, 5), (userData, result));
        Assert.True(_ring.TryTakeCompletion(out userData, out result));
        Assert.Equal((3UL, -11), (userData, result)); // the second read found nothing left
        Assert.False(_ring.TryTakeCompletion(out _, out _));
        Assert.Equal("frame", Encoding.ASCII.GetString(buffer, 0, 5));
    }

    private unsafe void PrepareRead(byte[] pinned, int offset, int length, ulong userData)
    {
        fixed (byte* p = pinned)
        {
            _ring.PrepareRead(ReadFd, p + offset, length, userData);
        }
    }

    [Fact]
    public unsafe void A_write_to_a_closed_descriptor_completes_with_minus_its_errno_and_the_ring_goes_on()
    {
        byte[] data = [1, 2, 3];
        fixed (byte* p = data)
        {
            _ring.PrepareWrite(-1, p, data.Length, 7);
            Assert.True(_ring.SubmitAndWait(out _));
            Assert.True(_ring.TryTakeCompletion(out ulong userData, out int result));
            Assert.Equal((7UL, -9), (userData, result)); // EBADF
            Assert.False(_ring.TryTakeCompletion(out _, out _));

            _ring.PrepareWrite(WriteFd, p, data.Length, 8);
            Assert.True(_ring.SubmitAndWait(out _));
            Assert.True(_ring.TryTakeCompletion(out userData, out result));
            Assert.Equal((8UL, 3), (userData, result));
        }
        var read = new byte[3];
        _readEnd.ReadExactly(read);
        Assert.Equal(data, read);
    }
}
