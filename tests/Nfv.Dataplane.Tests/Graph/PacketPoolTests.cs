using System.Runtime.InteropServices;
using Nfv.Abstractions;

namespace Nfv.Dataplane.Tests.Graph;

public class PacketPoolTests
{
    [Fact]
    public void A_pool_rents_its_capacity_then_says_it_is_empty_and_refuses_more_returns_than_rents()
    {
        var pool = new PacketPool(2, 256);
        var a = pool.Rent()!;
        var b = pool.Rent()!;

        Assert.Null(pool.Rent());
        Assert.Equal(1, pool.Exhausted);
        Assert.NotSame(a, b);
        a.Release();
        b.Release();
        Assert.Equal(2, pool.Available);
        Assert.Throws<InvalidOperationException>(() => pool.Return(a));
    }

    [Fact]
    public void A_pool_made_on_demand_allocates_a_packet_only_when_none_is_free_and_never_past_its_capacity()
    {
        var pool = new PacketPool(3, 256, PacketMemory.OnDemand);
        Assert.Equal(3, pool.Available);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var first = pool.Rent()!;
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before >= 256, "the first rent makes the packet");
        first.Release();
        before = GC.GetAllocatedBytesForCurrentThread();
        var again = pool.Rent()!;
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Same(first, again);

        var second = pool.Rent()!;
        var third = pool.Rent()!;
        Assert.Equal(0, pool.Available);
        Assert.Null(pool.Rent());
        Assert.Equal(1, pool.Exhausted);
        Assert.Equal(256, third.Buffer.Length);

        again.Release();
        second.Release();
        third.Release();
        Assert.Equal(3, pool.Available);
        Assert.Throws<InvalidOperationException>(() => pool.Return(second));
    }

    [Fact]
    public void A_resident_pool_has_every_page_of_every_buffer_in_memory_from_the_start()
    {
        var pool = new PacketPool(64, 65536, PacketMemory.Resident);
        var packets = Enumerable.Range(0, 64).Select(_ => pool.Rent()!).ToArray();

        Assert.All(packets, p => Assert.Equal(0, PagesNotResident(p.Buffer)));
    }

    // mincore(2) over the whole pages inside the (pinned) buffer.
    private static int PagesNotResident(byte[] buffer)
    {
        const long page = 4096;
        long start = (Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0) + page - 1) & ~(page - 1);
        long end = (Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0) + buffer.Length) & ~(page - 1);
        var vector = new byte[(end - start) / page];
        Assert.Equal(0, mincore((nint)start, (nuint)(end - start), vector));
        return vector.Count(v => (v & 1) == 0);
    }

    [Fact]
    public async Task Packets_given_back_on_other_threads_return_to_the_owner_whole_and_are_rented_again()
    {
        var pool = new PacketPool(256, 256);
        pool.BindToCurrentThread();
        var rented = Enumerable.Range(0, 256).Select(_ => pool.Rent()!).ToArray();
        Assert.Null(pool.Rent());

        // Four threads give back a quarter each, at once: the shared stack must lose none and count each once.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Factory.StartNew(() =>
        {
            for (int i = t; i < rented.Length; i += 4)
            {
                rented[i].Release();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Equal(256, pool.Available);
        var again = new HashSet<Packet>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < 256; i++)
        {
            Assert.True(again.Add(pool.Rent()!)); // each packet exactly once
        }
        Assert.Null(pool.Rent());
        Assert.True(again.SetEquals(rented));
    }

    [Fact]
    public async Task While_the_owner_rents_and_returns_other_threads_give_back_concurrently_and_nothing_is_lost()
    {
        var pool = new PacketPool(64, 256);
        pool.BindToCurrentThread();
        var handedOver = new System.Collections.Concurrent.BlockingCollection<Packet>(64);
        long given = 0;
        var other = Task.Factory.StartNew(() =>
        {
            foreach (var packet in handedOver.GetConsumingEnumerable())
            {
                packet.Release();
                given++;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var deadline = System.Diagnostics.Stopwatch.StartNew();
        long rents = 0;
        while (deadline.Elapsed < TimeSpan.FromMilliseconds(300))
        {
            if (pool.Rent() is not { } packet)
            {
                continue; // all handed over: wait for the other thread to give some back
            }
            rents++;
            if (rents % 3 == 0)
            {
                packet.Release(); // the owner's own return
            }
            else
            {
                handedOver.Add(packet);
            }
        }
        handedOver.CompleteAdding();
        await other;

        Assert.True(given > 1000, $"only {given} packets crossed threads");
        Assert.Equal(64, pool.Available);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mincore(nint address, nuint length, byte[] vector);
}
