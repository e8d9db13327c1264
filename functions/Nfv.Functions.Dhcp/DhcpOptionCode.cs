namespace Nfv.Functions.Dhcp;

/// <summary>DHCP option codes used by the server (RFC 2132, RFC 3046, RFC 3442).</summary>
internal static class DhcpOptionCode
{
    public const byte Pad = 0;
    public const byte SubnetMask = 1;
    public const byte Router = 3;
    public const byte DomainNameServer = 6;
    public const byte HostName = 12;
    public const byte DomainName = 15;
    public const byte InterfaceMtu = 26;
    public const byte BroadcastAddress = 28;
    public const byte NtpServers = 42;
    public const byte RequestedAddress = 50;
    public const byte LeaseTime = 51;
    public const byte Overload = 52;
    public const byte MessageType = 53;
    public const byte ServerIdentifier = 54;
    public const byte ParameterRequestList = 55;
    public const byte Message = 56;
    public const byte MaxMessageSize = 57;
    public const byte RenewalTime = 58;
    public const byte RebindingTime = 59;
    public const byte ClientIdentifier = 61;
    public const byte RelayAgentInformation = 82;
    public const byte ClasslessStaticRoute = 121;
    public const byte End = 255;

    /// <summary>
    /// Codes the server writes itself from the lease or from named keys (<c>router</c>, <c>dns</c>...): the
    /// topology's <c>options:</c> list may not set them.
    /// </summary>
    public static bool IsManaged(int code) => code is Pad or SubnetMask or Router or DomainNameServer or DomainName
        or InterfaceMtu or BroadcastAddress or NtpServers or RequestedAddress or LeaseTime or Overload or MessageType
        or ServerIdentifier or ParameterRequestList or Message or MaxMessageSize or RenewalTime or RebindingTime
        or ClientIdentifier or RelayAgentInformation or ClasslessStaticRoute or End;
}
