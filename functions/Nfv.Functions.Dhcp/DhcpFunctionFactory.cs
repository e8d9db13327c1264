using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip;
using Nfv.Ip.Headers;

[assembly: NetworkFunction(typeof(Nfv.Functions.Dhcp.DhcpFunctionFactory))]

namespace Nfv.Functions.Dhcp;

/// <summary>
/// Makes DHCP servers (<c>kind: dhcp</c>): reads and checks their configuration, reporting every problem with its
/// line and column, and never throws for bad input.
/// </summary>
/// <remarks>
/// The top level describes the server's own segment (<c>address</c>, <c>pool</c>, <c>router</c>...); <c>subnets:</c>
/// adds segments behind relay agents, which inherit <c>dns</c>, <c>domain</c>, <c>ntp</c>, <c>mtu</c>, <c>lease</c>
/// and <c>options</c> unless they set their own.
/// </remarks>
public sealed class DhcpFunctionFactory : INetworkFunctionFactory
{
    /// <summary>The most pool addresses a server holds (its lease table is bounded by them).</summary>
    public const long MaxPoolAddresses = 1 << 20;

    private static readonly string[] s_keys =
    [
        "kind", "address", "mac", "pool", "router", "dns", "domain", "lease", "ntp", "mtu", "routes", "options",
        "reservations", "subnets", "offer-hold", "decline-hold", "authoritative", "rate-limit", "verify-mac", "clients-per-source",
    ];
    private static readonly string[] s_subnetKeys = ["prefix", "pool", "router", "dns", "domain", "lease", "ntp", "mtu", "routes", "options"];
    private static readonly string[] s_reservationKeys = ["mac", "client-id", "address"];
    private static readonly string[] s_routeKeys = ["prefix", "via"];
    private static readonly string[] s_optionKeys = ["code", "type", "value"];
    private static readonly string[] s_optionTypes = ["string", "address", "addresses", "uint8", "uint16", "uint32", "bool", "hex"];

    /// <inheritdoc/>
    public string Kind => "dhcp";

    /// <inheritdoc/>
    public string Summary => "DHCP server: pools, reservations, relays (giaddr), options, leases on disk before the ACK";

    /// <inheritdoc/>
    /// <remarks>The range the dhcp has always had (<see cref="DhcpDiagnosticCodes"/>).</remarks>
    public string DiagnosticPrefix => "NFV13";

    /// <inheritdoc/>
    /// <remarks>Returns null when <c>address</c> is missing or unreadable (nothing else can be checked without it).</remarks>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ReadOptions(context.Name, context.Config, context.Diagnostics) is { } options ? new DhcpBlueprint(context.Name, options) : null;
    }

    /// <summary>
    /// Reads server <paramref name="name"/>'s settings, every problem to <paramref name="diagnostics"/>: for its blueprint,
    /// and for a running server's new settings (<see cref="DhcpFunction.Reconfigure"/>). Null when <c>address</c> is
    /// missing or unreadable.
    /// </summary>
    internal static DhcpServerOptions? ReadOptions(string name, ConfigMapping config, DiagnosticBag diagnostics)
    {
        var reader = new ConfigReader(diagnostics);
        string where = $"DHCP server '{name}'";
        reader.CheckKeys(config, where, s_keys);

        if (reader.Required(config, "address", where) is not { } addressNode ||
            reader.InterfaceAddress(addressNode, $"'address' of {where}") is not { } address)
        {
            return null;
        }
        if (!IsHostAddress(address))
        {
            reader.Diagnostics.Error(DhcpDiagnosticCodes.OutsideSubnet, addressNode.Span,
                $"'address' of {where} cannot be {address}: it is the network or broadcast address of its subnet");
        }

        var defaults = new SubnetDefaults
        {
            Lease = config["lease"] is { } l ? reader.Duration(l, $"'lease' of {where}", TimeSpan.FromSeconds(10), TimeSpan.FromDays(365)) : null,
            Dns = config["dns"] is { } d ? Addresses(reader, d, $"'dns' of {where}") : null,
            Ntp = config["ntp"] is { } n ? Addresses(reader, n, $"'ntp' of {where}") : null,
            Domain = config["domain"] is { } dm ? Domain(reader, dm, $"'domain' of {where}") : null,
            Mtu = config["mtu"] is { } m ? reader.Int(m, $"'mtu' of {where}", 68, 65535) : null,
            Custom = config["options"] is { } o ? CustomOptions(reader, o, $"'options' of {where}") : null,
        };

        var subnets = new List<DhcpSubnet>();
        subnets.Add(ReadSubnet(reader, config, address.Network, where, defaults, config["pool"], address.Address));
        if (config["subnets"] is { } subnetsNode && reader.AsSequence(subnetsNode, $"'subnets' of {where}") is { } subnetList)
        {
            foreach (var item in subnetList.Items)
            {
                string what = $"a subnet of {where}";
                if (reader.AsMapping(item, what) is not { } map)
                {
                    continue;
                }
                reader.CheckKeys(map, what, s_subnetKeys);
                if (reader.Required(map, "prefix", what) is not { } prefixNode || reader.Prefix(prefixNode, $"'prefix' of {what}") is not { } prefix)
                {
                    continue;
                }
                var subnet = ReadSubnet(reader, map, prefix, $"subnet {prefix} of {where}", defaults, reader.Required(map, "pool", what), null);
                if (subnets.Find(s => s.Prefix.Contains(prefix.Address) || prefix.Contains(s.Prefix.Address)) is { } clash)
                {
                    reader.Diagnostics.Error(DhcpDiagnosticCodes.Overlap, prefixNode.Span, $"subnet {prefix} of {where} overlaps {clash.Prefix}");
                    continue;
                }
                subnets.Add(subnet);
            }
        }
        long total = subnets.Sum(s => s.PoolSize);
        if (total > MaxPoolAddresses)
        {
            reader.Diagnostics.Error(DhcpDiagnosticCodes.PoolTooLarge, config.Span,
                $"the pools of {where} hold {total} addresses; at most {MaxPoolAddresses} are allowed");
        }

        var options = new DhcpServerOptions
        {
            Address = address,
            Mac = config["mac"] is { } macNode ? reader.UnicastMac(macNode, $"'mac' of {where}") ?? MacAddress.FromName(name) : MacAddress.FromName(name),
            Subnets = subnets,
            Reservations = config["reservations"] is { } r ? Reservations(reader, r, where, subnets, address.Address) : [],
        };
        if (config["offer-hold"] is { } hold && reader.Duration(hold, $"'offer-hold' of {where}", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) is { } h)
        {
            options = options with { OfferHold = h };
        }
        if (config["decline-hold"] is { } decline && reader.Duration(decline, $"'decline-hold' of {where}", TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)) is { } dh)
        {
            options = options with { DeclineHold = dh };
        }
        if (config["rate-limit"] is { } rate && reader.Int(rate, $"'rate-limit' of {where}", 0, 100_000) is { } rl)
        {
            options = options with { RateLimit = rl };
        }
        if (config["authoritative"] is { } authoritative && reader.Bool(authoritative, $"'authoritative' of {where}") is { } a)
        {
            options = options with { Authoritative = a };
        }
        if (config["verify-mac"] is { } verify && reader.Bool(verify, $"'verify-mac' of {where}") is { } v)
        {
            options = options with { VerifyMac = v };
        }
        if (config["clients-per-source"] is { } perSource && reader.Int(perSource, $"'clients-per-source' of {where} (0: no limit)", 0, 65536) is { } cps)
        {
            options = options with { ClientsPerSource = cps };
        }
        return options;
    }

    private sealed record SubnetDefaults
    {
        public TimeSpan? Lease { get; init; }
        public List<Ipv4Address>? Dns { get; init; }
        public List<Ipv4Address>? Ntp { get; init; }
        public string? Domain { get; init; }
        public int? Mtu { get; init; }
        public Dictionary<byte, byte[]>? Custom { get; init; }
    }

    private static DhcpSubnet ReadSubnet(ConfigReader reader, ConfigMapping map, Ipv4Prefix prefix, string where,
        SubnetDefaults defaults, ConfigNode? poolNode, Ipv4Address? serverAddress)
    {
        var ranges = poolNode is null ? [] : Pool(reader, poolNode, prefix, where);
        // The server's own segment is the top level, whose keys are the defaults; a relayed subnet may override them.
        bool relayed = serverAddress is null;
        var lease = relayed && map["lease"] is { } l
            ? reader.Duration(l, $"'lease' of {where}", TimeSpan.FromSeconds(10), TimeSpan.FromDays(365))
            : defaults.Lease;
        var dns = relayed && map["dns"] is { } d ? Addresses(reader, d, $"'dns' of {where}") : defaults.Dns;
        var ntp = relayed && map["ntp"] is { } n ? Addresses(reader, n, $"'ntp' of {where}") : defaults.Ntp;
        string? domain = relayed && map["domain"] is { } dm ? Domain(reader, dm, $"'domain' of {where}") : defaults.Domain;
        int? mtu = relayed && map["mtu"] is { } m ? reader.Int(m, $"'mtu' of {where}", 68, 65535) : defaults.Mtu;
        var custom = relayed && map["options"] is { } o ? CustomOptions(reader, o, $"'options' of {where}") : defaults.Custom;
        var options = new Dictionary<byte, byte[]>
        {
            [DhcpOptionCode.SubnetMask] = Word(prefix.Mask),
            [DhcpOptionCode.BroadcastAddress] = Word(prefix.Address.Value | ~prefix.Mask),
        };
        List<Ipv4Address>? routers = null;
        if (map["router"] is { } routerNode)
        {
            routers = Addresses(reader, routerNode, $"'router' of {where}");
            foreach (var router in routers ?? [])
            {
                if (!prefix.Contains(router))
                {
                    reader.Diagnostics.Error(DhcpDiagnosticCodes.OutsideSubnet, routerNode.Span, $"router {router} of {where} is not in {prefix}");
                }
                else if (ranges.Any(r => r.Contains(router)))
                {
                    reader.Diagnostics.Error(DhcpDiagnosticCodes.Overlap, routerNode.Span, $"the pool of {where} contains the router's address {router}");
                }
            }
            if (routers is { Count: > 0 })
            {
                options[DhcpOptionCode.Router] = Words(routers);
            }
        }
        if (dns is { Count: > 0 })
        {
            options[DhcpOptionCode.DomainNameServer] = Words(dns);
        }
        if (ntp is { Count: > 0 })
        {
            options[DhcpOptionCode.NtpServers] = Words(ntp);
        }
        if (domain is not null)
        {
            options[DhcpOptionCode.DomainName] = Encoding.ASCII.GetBytes(domain);
        }
        if (mtu is { } mtuValue)
        {
            var bytes = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)mtuValue);
            options[DhcpOptionCode.InterfaceMtu] = bytes;
        }
        if (map["routes"] is { } routesNode && ClasslessRoutes(reader, routesNode, where, routers) is { } routes)
        {
            options[DhcpOptionCode.ClasslessStaticRoute] = routes;
        }
        foreach (var (code, value) in custom ?? [])
        {
            options[code] = value;
        }
        return new DhcpSubnet(prefix, ranges, lease ?? TimeSpan.FromHours(12), options, map.Span);
    }

    private static List<AddressRange> Pool(ConfigReader reader, ConfigNode node, Ipv4Prefix prefix, string where)
    {
        var ranges = new List<AddressRange>();
        IReadOnlyList<ConfigNode> items = node is ConfigSequence seq ? seq.Items : [node];
        foreach (var item in items)
        {
            if (reader.AsScalar(item, $"'pool' of {where}") is not { } scalar)
            {
                continue;
            }
            if (!AddressRange.TryParse(scalar.Value, out var range))
            {
                reader.Diagnostics.Error(DhcpDiagnosticCodes.BadRange, item.Span,
                    $"'pool' of {where} must be a range such as 10.0.0.100-10.0.0.199 (first not above last), not '{scalar.Value}'");
                continue;
            }
            if (!prefix.Contains(range.First) || !prefix.Contains(range.Last) || !IsHostAddress(new Ipv4Prefix(range.First, prefix.Length)) ||
                !IsHostAddress(new Ipv4Prefix(range.Last, prefix.Length)))
            {
                reader.Diagnostics.Error(DhcpDiagnosticCodes.OutsideSubnet, item.Span,
                    $"pool {range} of {where} must lie inside {prefix} without its network and broadcast addresses");
                continue;
            }
            if (ranges.FindIndex(r => r.Overlaps(range)) is >= 0 and int other)
            {
                reader.Diagnostics.Error(DhcpDiagnosticCodes.Overlap, item.Span, $"pool {range} of {where} overlaps {ranges[other]}");
                continue;
            }
            ranges.Add(range);
        }
        return ranges;
    }

    private static List<DhcpReservation> Reservations(ConfigReader reader, ConfigNode node, string where,
        List<DhcpSubnet> subnets, Ipv4Address serverAddress)
    {
        var result = new List<DhcpReservation>();
        if (reader.AsSequence(node, $"'reservations' of {where}") is not { } list)
        {
            return result;
        }
        foreach (var item in list.Items)
        {
            string what = $"a reservation of {where}";
            if (reader.AsMapping(item, what) is not { } map)
            {
                continue;
            }
            reader.CheckKeys(map, what, s_reservationKeys);
            var macNode = map["mac"];
            var idNode = map["client-id"];
            if ((macNode is null) == (idNode is null))
            {
                reader.Diagnostics.Error(DhcpDiagnosticCodes.BadReservation, map.Span, $"{what} needs exactly one of 'mac' or 'client-id'");
                continue;
            }
            MacAddress? mac = macNode is null ? null : reader.UnicastMac(macNode, $"'mac' of {what}");
            byte[]? clientId = idNode is null ? null : ClientId(reader, idNode, what);
            if ((macNode is not null && mac is null) || (idNode is not null && clientId is null) ||
                reader.Required(map, "address", what) is not { } addressNode || reader.Address(addressNode, $"'address' of {what}") is not { } address)
            {
                continue;
            }
            if (address == serverAddress || subnets.Find(s => s.Prefix.Contains(address)) is not { } subnet ||
                !IsHostAddress(new Ipv4Prefix(address, subnet.Prefix.Length)))
            {
                reader.Diagnostics.Error(DhcpDiagnosticCodes.OutsideSubnet, addressNode.Span,
                    $"reserved address {address} of {where} must be a host address in a subnet the server serves, not its own");
                continue;
            }
            var reservation = new DhcpReservation(mac, clientId, address, map.Span);
            if (result.Find(r => r.Address == address || (mac is not null && r.Mac == mac) ||
                (clientId is not null && r.ClientId is not null && r.ClientId.AsSpan().SequenceEqual(clientId))) is { } twice)
            {
                reader.Diagnostics.Error(DhcpDiagnosticCodes.BadReservation, map.Span,
                    $"{what} reserves an address or a client already reserved at {twice.Span}");
                continue;
            }
            result.Add(reservation);
        }
        return result;
    }

    private static byte[]? ClasslessRoutes(ConfigReader reader, ConfigNode node, string where, List<Ipv4Address>? routers)
    {
        if (reader.AsSequence(node, $"'routes' of {where}") is not { } list)
        {
            return null;
        }
        var bytes = new List<byte>();
        bool hasDefault = false;
        foreach (var item in list.Items)
        {
            string what = $"a route of {where}";
            if (reader.AsMapping(item, what) is not { } map)
            {
                continue;
            }
            reader.CheckKeys(map, what, s_routeKeys);
            if (reader.Required(map, "prefix", what) is not { } p || reader.Prefix(p, $"'prefix' of {what}") is not { } prefix ||
                reader.Required(map, "via", what) is not { } v || reader.Address(v, $"'via' of {what}") is not { } via)
            {
                continue;
            }
            hasDefault |= prefix.Length == 0;
            AppendRoute(bytes, prefix, via);
        }
        // RFC 3442: a client that gets option 121 ignores the router option, so the default route goes in it too.
        if (!hasDefault && routers is { Count: > 0 })
        {
            AppendRoute(bytes, new Ipv4Prefix(Ipv4Address.Any, 0), routers[0]);
        }
        return bytes.Count == 0 ? null : [.. bytes];
    }

    // RFC 3442 §3: the prefix length, then only the significant octets of the destination, then the router.
    private static void AppendRoute(List<byte> bytes, Ipv4Prefix prefix, Ipv4Address via)
    {
        bytes.Add((byte)prefix.Length);
        byte[] destination = Word(prefix.Address.Value);
        bytes.AddRange(destination.AsSpan(0, (prefix.Length + 7) / 8));
        bytes.AddRange(Word(via.Value));
    }

    private static Dictionary<byte, byte[]>? CustomOptions(ConfigReader reader, ConfigNode node, string where)
    {
        if (reader.AsSequence(node, where) is not { } list)
        {
            return null;
        }
        var result = new Dictionary<byte, byte[]>();
        foreach (var item in list.Items)
        {
            string what = $"an option of {where}";
            if (reader.AsMapping(item, what) is not { } map)
            {
                continue;
            }
            reader.CheckKeys(map, what, s_optionKeys);
            if (reader.Required(map, "code", what) is not { } codeNode || reader.Int(codeNode, $"'code' of {what}", 1, 254) is not { } code ||
                reader.Required(map, "type", what) is not { } typeNode || reader.AsScalar(typeNode, $"'type' of {what}") is not { } type ||
                reader.Required(map, "value", what) is not { } valueNode)
            {
                continue;
            }
            if (DhcpOptionCode.IsManaged(code))
            {
                reader.Diagnostics.Error(DhcpDiagnosticCodes.BadOption, codeNode.Span,
                    $"option {code} of {where} is set by the server itself; use its key (router, dns, domain, ntp, mtu, lease, routes) instead");
                continue;
            }
            if (Array.IndexOf(s_optionTypes, type.Value) < 0)
            {
                reader.Diagnostics.Error(DhcpDiagnosticCodes.BadOption, typeNode.Span,
                    $"'type' of {what} must be one of {string.Join(", ", s_optionTypes)}, not '{type.Value}'");
                continue;
            }
            if (OptionValue(reader, type.Value, valueNode, $"option {code} of {where}") is { } value)
            {
                result[(byte)code] = value;
            }
        }
        return result;
    }

    private static byte[]? OptionValue(ConfigReader reader, string type, ConfigNode node, string what)
    {
        if (type == "addresses")
        {
            return Addresses(reader, node, what) is { Count: > 0 } list ? Words(list) : null;
        }
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        string text = scalar.Value;
        byte[]? value = type switch
        {
            "string" => text.Length is > 0 and <= 255 && Ascii.IsValid(text) ? Encoding.ASCII.GetBytes(text) : null,
            "address" => Ipv4Address.TryParse(text, out var a) ? Word(a.Value) : null,
            "uint8" => byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out byte b) ? [b] : null,
            "uint16" => ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort s) ? [(byte)(s >> 8), (byte)s] : null,
            "uint32" => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint u) ? Word(u) : null,
            "bool" => text switch { "true" => [1], "false" => [0], _ => null },
            _ => ParseHex(text),
        };
        if (value is null)
        {
            reader.Diagnostics.Error(DhcpDiagnosticCodes.BadOption, node.Span, $"{what}: '{text}' is not a valid {type} value");
        }
        return value;
    }

    private static byte[]? ClientId(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, $"'client-id' of {what}") is not { } scalar)
        {
            return null;
        }
        if (ParseHex(scalar.Value) is not { Length: >= 2 } id)
        {
            reader.Diagnostics.Error(DhcpDiagnosticCodes.BadReservation, node.Span,
                $"'client-id' of {what} must be at least two hex bytes such as 01:02:00:00:00:00:07, not '{scalar.Value}'");
            return null;
        }
        return id;
    }

    // Hex bytes, with or without colons: "01:02:0a" or "01020a".
    private static byte[]? ParseHex(string text)
    {
        string digits = text.Replace(":", "", StringComparison.Ordinal);
        if (digits.Length == 0 || digits.Length % 2 != 0 || digits.Length > 510)
        {
            return null;
        }
        try
        {
            return Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static List<Ipv4Address>? Addresses(ConfigReader reader, ConfigNode node, string what)
    {
        IReadOnlyList<ConfigNode> items = node is ConfigSequence seq ? seq.Items : [node];
        var result = new List<Ipv4Address>();
        foreach (var item in items)
        {
            if (reader.Address(item, what) is { } address)
            {
                result.Add(address);
            }
        }
        return result;
    }

    private static string? Domain(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (scalar.Value.Length is 0 or > 253 || !scalar.Value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadName, node.Span, $"{what} must be a domain name such as lab.example, not '{scalar.Value}'");
            return null;
        }
        return scalar.Value;
    }

    // Neither the network nor the broadcast address of its subnet (/31 and /32 have neither).
    private static bool IsHostAddress(Ipv4Prefix address)
    {
        if (address.Length >= 31)
        {
            return true;
        }
        uint host = address.Address.Value & ~address.Mask;
        return host != 0 && host != ~address.Mask;
    }

    private static byte[] Word(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Words(List<Ipv4Address> addresses)
    {
        var bytes = new byte[4 * addresses.Count];
        for (int i = 0; i < addresses.Count; i++)
        {
            addresses[i].Write(bytes.AsSpan(4 * i));
        }
        return bytes;
    }
}
