using Nfv.Abstractions;
using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

public class AllocationTests
{
    // Sends nothing anywhere: returns clones to their pool, keeps the originals for the next round.
    private sealed class DiscardingEmitter(PacketPool clones) : Emitter
    {
        public override void To(int port, Packet packet) => Return(packet);
        public override void Drop(Packet packet, int reason) => Return(packet);
        public override Packet? Clone(Packet packet)
        {
            var copy = clones.Rent();
            copy?.CopyFrom(packet);
            return copy;
        }
        public override Packet? Allocate() => clones.Rent();

        private void Return(Packet packet)
        {
            if (ReferenceEquals(packet.Owner, clones))
            {
                packet.Release();
            }
        }
    }

    [Fact]
    public void ForwardingAndFlooding_AllocateNothing()
    {
        var function = new SwitchFunction("lan", new SwitchOptions { Ports = AccessPorts(4) });
        var inputs = new PacketPool(64, 256);
        var emit = new DiscardingEmitter(new PacketPool(64, 256));
        var batch = new PacketBatch(32);
        for (int i = 0; i < 32; i++)
        {
            var packet = inputs.Rent()!;
            // Half known unicast between 0 and 1, half broadcast from 2, one runt.
            byte[] frame = i == 31 ? new byte[8] : i % 2 == 0 ? Ethernet(B, A) : Ethernet(Broadcast, C);
            packet.Load(frame, i == 31 ? 0 : i % 2 == 0 ? 0 : 2);
            batch.Add(packet);
        }
        var learn = new PacketBatch(1);
        var reply = inputs.Rent()!;
        reply.Load(Ethernet(A, B), 1);
        learn.Add(reply);
        function.Process(learn, emit);
        for (int i = 0; i < 100; i++)
        {
            function.Process(batch, emit);   // warm up
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            function.Process(batch, emit);
            function.OnTimer(emit);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(function.Counters[SwitchEvent.Forwarded] >= 16_000);
    }
}
