namespace Nfv.Functions.Nat;

/// <summary>The TCP state of a session, as RFC 5382 §5 times it out.</summary>
public enum NatTcpState
{
    /// <summary>Only one side has spoken (a SYN on its way): transitory timeout.</summary>
    Opening = 0,
    /// <summary>Both sides have spoken, no RST, not FIN both ways: established timeout.</summary>
    Established = 1,
    /// <summary>FIN seen both ways: transitory timeout.</summary>
    Closing = 2,
    /// <summary>RST seen: transitory timeout (RFC 7857 §2.2: kept 4 minutes, not deleted at once).</summary>
    Reset = 3,
}

/// <summary>What a TCP session has seen, as bits of <c>NatSessionTable.Session.Tcp</c>.</summary>
internal static class NatTcpFlags
{
    public const byte Out = 1;
    public const byte In = 2;
    public const byte FinOut = 4;
    public const byte FinIn = 8;
    public const byte Reset = 16;
}
