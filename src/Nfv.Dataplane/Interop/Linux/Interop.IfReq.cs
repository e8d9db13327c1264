using System.Runtime.InteropServices;
using System.Text;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    internal const int IFNAMSIZ = 16;

    // linux/if_tun.h
    internal const short IFF_TAP = 0x0002;
    internal const short IFF_NO_PI = 0x1000;
    internal const short IFF_MULTI_QUEUE = 0x0100;
    internal const short IFF_VNET_HDR = 0x4000;

    // TUNSETOFFLOAD flags
    internal const uint TUN_F_CSUM = 0x01;
    internal const uint TUN_F_TSO4 = 0x02;
    internal const uint TUN_F_TSO6 = 0x04;
    internal const uint TUN_F_TSO_ECN = 0x08;

    /// <summary>ARPHRD_ETHER (linux/if_arp.h): the sa_family of an Ethernet hardware address.</summary>
    internal const ushort ARPHRD_ETHER = 1;

    /// <summary>struct ifreq (linux/if.h): a 16-byte name and a 24-byte union, of which we use the flags and the hardware address.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 40)]
    internal unsafe struct IfReq
    {
        [FieldOffset(0)]
        public fixed byte Name[IFNAMSIZ];

        [FieldOffset(IFNAMSIZ)]
        public short Flags;

        /// <summary>ifr_hwaddr.sa_family.</summary>
        [FieldOffset(IFNAMSIZ)]
        public ushort HardwareFamily;

        /// <summary>ifr_hwaddr.sa_data: the MAC in its first 6 bytes.</summary>
        [FieldOffset(IFNAMSIZ + 2)]
        public fixed byte HardwareAddress[14];

        public static IfReq Create(string name, short flags)
        {
            var request = new IfReq { Flags = flags };
            var bytes = Encoding.ASCII.GetBytes(name);
            if (bytes.Length >= IFNAMSIZ)
            {
                throw new ArgumentException($"Interface name '{name}' is longer than {IFNAMSIZ - 1} characters.", nameof(name));
            }
            for (int i = 0; i < bytes.Length; i++)
            {
                request.Name[i] = bytes[i];
            }
            return request;
        }

        public readonly string GetName()
        {
            fixed (byte* p = Name)
            {
                return Marshal.PtrToStringAnsi((nint)p) ?? "";
            }
        }
    }
}
