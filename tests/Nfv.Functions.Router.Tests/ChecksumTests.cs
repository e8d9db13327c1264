using System.Buffers.Binary;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Router.Tests;

public class ChecksumTests
{
    [Fact]
    public void Ttl_decrement_with_incremental_update_equals_a_full_recompute()
    {
        var random = new Random(3);
        for (int n = 0; n < 2000; n++)
        {
            var frame = IpPackets.Ip(default, default, "10.0.0.1", "10.0.0.2", (byte)random.Next(256), new byte[8],
                ttl: (byte)random.Next(2, 256), id: (ushort)random.Next(65536));
            var ip = frame.AsSpan(14, 20);
            Ipv4Header.DecrementTtl(ip);
            Assert.True(IpPackets.ChecksumOk(ip));
            Assert.True(Ipv4Header.IsChecksumValid(ip));
        }
    }

    [Fact]
    public void Rfc1624_update_never_turns_a_right_zero_into_ffff()
    {
        // RFC 1624 §3's example: a header whose checksum becomes 0x0000 must not read 0xFFFF.
        ushort updated = Checksum.Update(0xDD2F, (ushort)0x5555, (ushort)0x3285);
        Assert.Equal(0x0000, updated);
    }

    [Fact]
    public void Address_update_equals_recompute()
    {
        var frame = IpPackets.Ip(default, default, "10.0.0.1", "10.0.0.2", 17, new byte[8]);
        var ip = frame.AsSpan(14, 20);
        ushort before = BinaryPrimitives.ReadUInt16BigEndian(ip[10..]);
        uint oldSrc = Ipv4Address.Read(ip[12..]).Value;
        uint newSrc = Ipv4Address.Parse("203.0.113.77").Value;
        new Ipv4Address(newSrc).Write(ip[12..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Update(before, oldSrc, newSrc));
        Assert.True(IpPackets.ChecksumOk(ip));
    }
}
