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
        var pool = new PacketPool(3, 256, onDemand: true);
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
}
