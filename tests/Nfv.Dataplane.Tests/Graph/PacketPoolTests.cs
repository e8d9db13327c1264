using Nfv.Abstractions;

namespace Nfv.Dataplane.Tests.Graph;

/// <summary>Alone, not beside other test classes: one test reads the process's resident memory.</summary>
[Collection(nameof(PacketPoolTests))]
[CollectionDefinition(nameof(PacketPoolTests), DisableParallelization = true)]
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
    public void A_resident_pool_is_backed_by_memory_at_once_and_an_allocated_one_only_as_frames_are_written()
    {
        const int packets = 256, size = 65536; // 16 MB
        long before = ResidentBytes();
        var allocated = new PacketPool(packets, size);
        long afterAllocated = ResidentBytes();
        var resident = new PacketPool(packets, size, PacketMemory.Resident);
        long afterResident = ResidentBytes();

        Assert.True(afterAllocated - before < 4 << 20, $"an allocated pool made {(afterAllocated - before) >> 20} MB resident");
        Assert.True(afterResident - afterAllocated > 10 << 20, $"a resident pool made only {(afterResident - afterAllocated) >> 20} MB resident");
        GC.KeepAlive(allocated);
        GC.KeepAlive(resident);
    }

    private static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
