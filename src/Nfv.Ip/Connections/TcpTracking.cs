namespace Nfv.Ip.Connections;

/// <summary>What a TCP connection has seen, each way: the bits its state is read from (<see cref="TcpTracking.State"/>).</summary>
[Flags]
public enum TcpSeen : byte
{
    /// <summary>Nothing yet, or not TCP.</summary>
    None = 0,

    /// <summary>A segment in the original direction (the side that opened it spoke).</summary>
    Original = 1,

    /// <summary>A segment in the reply direction (the other side answered).</summary>
    Reply = 2,

    /// <summary>A FIN in the original direction.</summary>
    FinOriginal = 4,

    /// <summary>A FIN in the reply direction.</summary>
    FinReply = 8,

    /// <summary>A RST, either way.</summary>
    Reset = 16,
}

/// <summary>The state a TCP connection is timed out by (RFC 5382 §5, RFC 7857 §2.2).</summary>
public enum TcpState : byte
{
    /// <summary>Only one side has spoken (a SYN on its way): the transitory timeout.</summary>
    Opening = 0,

    /// <summary>Both sides have spoken, no RST, not a FIN both ways: the established timeout.</summary>
    Established = 1,

    /// <summary>A FIN seen both ways: the transitory timeout.</summary>
    Closing = 2,

    /// <summary>A RST seen: the transitory timeout (kept, not deleted at once, so late segments still match).</summary>
    Reset = 3,
}

/// <summary>
/// TCP connection tracking as the firewall and the NAT share it: a segment's flags and direction move the
/// <see cref="TcpSeen"/> bits, and the bits give the <see cref="TcpState"/> the idle timer follows. Half-closed
/// connections stay established until the FIN has gone both ways.
/// </summary>
public static class TcpTracking
{
    /// <summary>TCP's FIN flag.</summary>
    public const byte Fin = 0x01;

    /// <summary>TCP's SYN flag.</summary>
    public const byte Syn = 0x02;

    /// <summary>TCP's RST flag.</summary>
    public const byte Rst = 0x04;

    /// <summary>TCP's ACK flag.</summary>
    public const byte Ack = 0x10;

    /// <summary>True for a bare SYN: the segment that opens a connection.</summary>
    public static bool IsOpening(byte flags) => (flags & (Syn | Ack | Rst | Fin)) == Syn;

    /// <summary>The bits after a segment with <paramref name="flags"/> went the <paramref name="reply"/> direction.</summary>
    public static TcpSeen Update(TcpSeen seen, byte flags, bool reply)
    {
        if ((flags & Syn) != 0 && (flags & Rst) == 0 && State(seen) is TcpState.Reset or TcpState.Closing)
        {
            return reply ? TcpSeen.Reply : TcpSeen.Original; // the same endpoints opened a new connection
        }
        seen |= reply ? TcpSeen.Reply : TcpSeen.Original;
        if ((flags & Fin) != 0)
        {
            seen |= reply ? TcpSeen.FinReply : TcpSeen.FinOriginal;
        }
        if ((flags & Rst) != 0)
        {
            seen |= TcpSeen.Reset;
        }
        return seen;
    }

    /// <summary>The state <paramref name="seen"/> stands for.</summary>
    public static TcpState State(TcpSeen seen)
    {
        if ((seen & TcpSeen.Reset) != 0)
        {
            return TcpState.Reset;
        }
        if ((seen & (TcpSeen.FinOriginal | TcpSeen.FinReply)) == (TcpSeen.FinOriginal | TcpSeen.FinReply))
        {
            return TcpState.Closing;
        }
        return (seen & (TcpSeen.Original | TcpSeen.Reply)) == (TcpSeen.Original | TcpSeen.Reply) ? TcpState.Established : TcpState.Opening;
    }
}
