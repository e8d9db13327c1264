using System.Text;
using Nfv.Dataplane.Interop;

namespace Nfv.Dataplane.Tests.Interop;

/// <summary>The io_uring batched TAP writes go through, on a plain file (no root needed).</summary>
public sealed unsafe class IoRingTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"nfv-ioring-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Writes_handed_over_in_one_call_all_complete_in_order_with_what_write_would_return()
    {
        using var ring = IoRing.TryCreate(8, out var whyNot) ?? throw new InvalidOperationException(whyNot);
        Assert.Equal(8, ring.Entries);
        using var file = File.OpenHandle(_path, FileMode.Create, FileAccess.ReadWrite);
        byte[][] parts = [.. Enumerable.Range(0, 8).Select(i => Encoding.ASCII.GetBytes($"part {i};"))];
        var pins = parts.Select(p => System.Runtime.InteropServices.GCHandle.Alloc(p, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
        try
        {
            for (int i = 0; i < parts.Length; i++)
            {
                ring.PrepareWrite((int)file.DangerousGetHandle(), (byte*)pins[i].AddrOfPinnedObject(), parts[i].Length, (ulong)i);
            }
            Assert.Equal(8, ring.Prepared);
            Assert.Throws<InvalidOperationException>(() => ring.PrepareWrite(0, null, 0, 99)); // full until submitted

            Assert.True(ring.SubmitAndWait(out var error), error.ToString());

            var results = new Dictionary<ulong, int>();
            while (ring.TryTakeCompletion(out ulong index, out int result))
            {
                results.Add(index, result);
            }
            Assert.Equal(Enumerable.Range(0, 8).ToDictionary(i => (ulong)i, i => parts[i].Length), results);
        }
        finally
        {
            foreach (var pin in pins)
            {
                pin.Free();
            }
        }
        file.Dispose();
        Assert.Equal(string.Concat(parts.Select(Encoding.ASCII.GetString)), File.ReadAllText(_path));
    }

    [Fact]
    public void A_write_to_a_closed_descriptor_completes_with_minus_its_errno_and_the_ring_goes_on()
    {
        using var ring = IoRing.TryCreate(4, out var whyNot) ?? throw new InvalidOperationException(whyNot);
        byte[] data = [1, 2, 3];
        fixed (byte* p = data)
        {
            ring.PrepareWrite(-1, p, data.Length, 7);
            Assert.True(ring.SubmitAndWait(out _));
            Assert.True(ring.TryTakeCompletion(out ulong userData, out int result));
            Assert.Equal(7UL, userData);
            Assert.Equal(-9, result); // EBADF
            Assert.False(ring.TryTakeCompletion(out _, out _));

            using var file = File.OpenHandle(_path, FileMode.Create, FileAccess.ReadWrite);
            ring.PrepareWrite((int)file.DangerousGetHandle(), p, data.Length, 8);
            Assert.True(ring.SubmitAndWait(out _));
            Assert.True(ring.TryTakeCompletion(out userData, out result));
            Assert.Equal((8UL, 3), (userData, result));
        }
        Assert.Equal(data, File.ReadAllBytes(_path));
    }
}
