using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;
using Nfv.Ip.Headers;

[assembly: NetworkFunction(typeof(Nfv.Functions.Router.RouterFunctionFactory))]

namespace Nfv.Functions.Router;

/// <summary>
/// Makes routers (<c>kind: router</c>): reads and checks their configuration, reporting every problem with its line
/// and column, and never throws for bad input.
/// </summary>
public sealed class RouterFunctionFactory : INetworkFunctionFactory
{
    private static readonly string[] s_keys =
        ["kind", "interfaces", "routes", "arp-reachable", "arp-cache-size", "arp-queue", "icmp-rate", "icmp-burst", "nd-reachable", "nd-cache-size"];
    private static readonly string[] s_interfaceKeys = ["address", "mtu", "mac", "features", "ra"];
    private static readonly string[] s_advertisementKeys = ["prefixes", "managed", "other", "rdnss", "lifetime", "interval"];
    private static readonly string[] s_routeKeys = ["prefix", "via", "dev"];

    /// <inheritdoc/>
    public string Kind => "router";

    /// <inheritdoc/>
    public string Summary => "IPv4 and IPv6 router: interfaces, static routes with longest-prefix match, ARP and neighbour discovery, router advertisements, ICMP and ICMPv6, IPv4 fragmentation";

    /// <inheritdoc/>
    /// <remarks>The range the router has always had (<see cref="RouterDiagnosticCodes"/>).</remarks>
    public string DiagnosticPrefix => "NFV12";

    /// <inheritdoc/>
    /// <remarks>Returns null only when <c>interfaces</c> is missing or not a mapping (the ports are unknown).</remarks>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var reader = new ConfigReader(context.Diagnostics);
        var diagnostics = context.Diagnostics;
        string where = $"router '{context.Name}'";
        reader.CheckKeys(config, where, s_keys);

        var options = new RouterOptions();
        if (config["arp-reachable"] is { } reachable &&
            reader.Duration(reachable, $"'arp-reachable' of {where}", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)) is { } r)
        {
            options = options with { ArpReachable = r };
        }
        if (config["arp-cache-size"] is { } size && reader.Int(size, $"'arp-cache-size' of {where}", 1, 1 << 20) is { } s)
        {
            options = options with { ArpCacheSize = s };
        }
        if (config["arp-queue"] is { } queue && reader.Int(queue, $"'arp-queue' of {where}", 0, RouterOptions.ArpQueueTotal) is { } q)
        {
            options = options with { ArpQueueLength = q };
        }
        if (config["icmp-rate"] is { } rate && reader.Int(rate, $"'icmp-rate' of {where}", 0, 100_000) is { } ra)
        {
            options = options with { IcmpRate = ra };
        }
        if (config["icmp-burst"] is { } burst && reader.Int(burst, $"'icmp-burst' of {where}", 1, 100_000) is { } b)
        {
            options = options with { IcmpBurst = b };
        }
        if (config["nd-reachable"] is { } ndReachable &&
            reader.Duration(ndReachable, $"'nd-reachable' of {where}", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)) is { } nr)
        {
            options = options with { NeighbourReachable = nr };
        }
        if (config["nd-cache-size"] is { } ndSize && reader.Int(ndSize, $"'nd-cache-size' of {where}", 1, 1 << 20) is { } ns)
        {
            options = options with { NeighbourCacheSize = ns };
        }

        if (reader.Required(config, "interfaces", where) is not { } interfacesNode ||
            reader.AsMapping(interfacesNode, $"'interfaces' of {where}") is not { } interfacesMap)
        {
            return null;
        }
        if (interfacesMap.Entries.Count == 0)
        {
            diagnostics.Error(RouterDiagnosticCodes.NoInterfaces, interfacesNode.Span,
                $"{where} has no interfaces: declare at least one, such as 'lan: {{ address: 10.0.0.1/24 }}'");
        }
        var interfaces = new List<RouterInterface>();
        var seenNames = new Dictionary<string, SourceSpan>(StringComparer.Ordinal);
        var seenAddresses = new Dictionary<Ipv4Address, string>();
        var seenIpv6 = new Dictionary<Ipv6Address, string>();
        foreach (var (key, value) in interfacesMap.Entries)
        {
            string name = key.Value;
            string what = $"interface '{name}' of {where}";
            if (!FunctionBlueprint.IsValidPortName(name))
            {
                diagnostics.Error(RouterDiagnosticCodes.BadInterfaceName, key.Span,
                    $"interface name '{name}' of {where} is not allowed: use 1 to 64 letters, digits, '-' or '_' (links name it as '{context.Name}.NAME')");
            }
            if (seenNames.TryGetValue(name, out var first))
            {
                diagnostics.Error(DiagnosticCodes.DuplicateName, key.Span, $"{what} is declared twice (first at {first})");
                continue;
            }
            seenNames.Add(name, key.Span);
            interfaces.Add(ReadInterface(reader, context.Name, key, value, what, seenAddresses, seenIpv6));
        }

        ReportOverlaps(diagnostics, interfaces, where);

        var routes = new List<StaticRoute>();
        var ipv6Routes = new List<Ipv6StaticRoute>();
        if (config["routes"] is { } routesNode && routesNode is not ConfigScalar { Value: "" } &&
            reader.AsSequence(routesNode, $"'routes' of {where}") is { } routesList)
        {
            foreach (var item in routesList.Items)
            {
                if (IsIpv6Route(item))
                {
                    if (ReadIpv6Route(reader, item, where) is { } route6)
                    {
                        ipv6Routes.Add(route6);
                    }
                }
                else if (ReadRoute(reader, item, where) is { } route)
                {
                    routes.Add(route);
                }
            }
        }
        options = options with { Interfaces = interfaces, Routes = routes, Ipv6Routes = ipv6Routes };

        var problems = new List<(StaticRoute Route, string Problem)>();
        RouteTable.Build(interfaces, routes, problems);
        foreach (var (route, problem) in problems)
        {
            diagnostics.Error(RouterDiagnosticCodes.UnresolvableRoute, route.Span, $"{problem} ({where})");
        }
        var ipv6Problems = new List<(Ipv6StaticRoute Route, string Problem)>();
        Ipv6RouteTable.Build(interfaces, ipv6Routes, ipv6Problems);
        foreach (var (route, problem) in ipv6Problems)
        {
            diagnostics.Error(RouterDiagnosticCodes.UnresolvableRoute, route.Span, $"{problem} ({where})");
        }
        return new RouterBlueprint(context.Name, options);
    }

    /// <summary>Refuses subnets of two interfaces that overlap (one contains the other's network): the router could not tell which way a packet to the common part goes.</summary>
    private static void ReportOverlaps(DiagnosticBag diagnostics, List<RouterInterface> interfaces, string where)
    {
        void ReportOverlap(string mine, string theirs, int i, int j) =>
            diagnostics.Error(RouterDiagnosticCodes.OverlappingSubnets, interfaces[i].Span,
                $"subnet {mine} of interface '{interfaces[i].Name}' overlaps subnet {theirs} of interface '{interfaces[j].Name}' ({where}); give each interface its own subnet");
        for (int i = 0; i < interfaces.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                foreach (var mine in interfaces[i].Addresses)
                {
                    if (interfaces[j].Addresses.FirstOrDefault(theirs => mine.Contains(theirs.Address) || theirs.Contains(mine.Address)) is { Length: > 0 } theirs)
                    {
                        ReportOverlap(mine.Network.ToString(), theirs.Network.ToString(), i, j);
                    }
                }
                // Link-local subnets are per link: every interface has fe80::/64, and that is no overlap.
                foreach (var mine in interfaces[i].Ipv6Addresses.Where(a => !a.Address.IsLinkLocal))
                {
                    if (interfaces[j].Ipv6Addresses.FirstOrDefault(theirs => !theirs.Address.IsLinkLocal &&
                        (mine.Contains(theirs.Address) || theirs.Contains(mine.Address))) is { Length: > 0 } theirs)
                    {
                        ReportOverlap(mine.Network.ToString(), theirs.Network.ToString(), i, j);
                    }
                }
            }
        }
    }

    private static RouterInterface ReadInterface(ConfigReader reader, string routerName, ConfigScalar key, ConfigNode value,
        string what, Dictionary<Ipv4Address, string> seenAddresses, Dictionary<Ipv6Address, string> seenIpv6)
    {
        var result = new RouterInterface { Name = key.Value, Span = key.Span, Mac = RouterInterface.DefaultMac(routerName, key.Value) };
        if (reader.AsMapping(value, what) is not { } map)
        {
            return result;
        }
        reader.CheckKeys(map, what, s_interfaceKeys);
        var addresses = new List<Ipv4Prefix>();
        var ipv6Addresses = new List<Ipv6Prefix>();
        if (reader.Required(map, "address", what) is { } addressNode)
        {
            IReadOnlyList<ConfigNode> items = addressNode is ConfigSequence seq ? seq.Items : [addressNode];
            if (items.Count == 0)
            {
                reader.Diagnostics.Error(DiagnosticCodes.MissingKey, addressNode.Span, $"'address' of {what} lists no address");
            }
            foreach (var item in items)
            {
                if (Ipv6ConfigReader.LooksLikeIpv6(item))
                {
                    if (ReadIpv6Address(reader, item, what, seenIpv6) is { } prefix6)
                    {
                        ipv6Addresses.Add(prefix6);
                    }
                    continue;
                }
                if (reader.InterfaceAddress(item, $"'address' of {what}") is not { } prefix)
                {
                    continue;
                }
                uint host = prefix.Address.Value & ~prefix.Mask;
                uint firstOctet = prefix.Address.Value >> 24;
                if (firstOctet is 0 or 127 || firstOctet >= 224 || (prefix.Length < 31 && (host == 0 || host == ~prefix.Mask)))
                {
                    reader.Diagnostics.Error(RouterDiagnosticCodes.BadInterfaceAddress, item.Span,
                        $"'address' of {what} cannot be {prefix}: it is a network or broadcast address, or in 0/8, 127/8 or multicast");
                    continue;
                }
                if (seenAddresses.TryGetValue(prefix.Address, out var owner))
                {
                    reader.Diagnostics.Error(RouterDiagnosticCodes.DuplicateAddress, item.Span,
                        $"address {prefix.Address} of {what} is already on {owner}");
                    continue;
                }
                seenAddresses.Add(prefix.Address, what);
                addresses.Add(prefix);
            }
        }
        result = result with { Addresses = addresses, Ipv6Addresses = ipv6Addresses };
        if (map["mtu"] is { } mtuNode && reader.Int(mtuNode, $"'mtu' of {what}", RouterInterface.MinMtu, RouterInterface.MaxMtu) is { } mtu)
        {
            result = result with { Mtu = mtu };
            if (ipv6Addresses.Count > 0 && mtu < Ipv6Header.MinimumMtu)
            {
                reader.Diagnostics.Error(RouterDiagnosticCodes.Ipv6MtuTooSmall, mtuNode.Span,
                    $"'mtu' of {what} is {mtu}, but the interface has IPv6 addresses and every IPv6 link carries {Ipv6Header.MinimumMtu} bytes (RFC 8200 section 5)");
            }
        }
        if (map["ra"] is { } raNode)
        {
            result = result with { Advertisements = ReadAdvertisements(reader, raNode, $"'ra' of {what}", ipv6Addresses.Count > 0) };
        }
        if (map["features"] is { } featuresNode)
        {
            result = result with { Features = ReadFeatures(reader, featuresNode, $"'features' of {what}") };
        }
        if (map["mac"] is { } macNode && reader.UnicastMac(macNode, $"'mac' of {what}", RouterDiagnosticCodes.BadInterfaceMac) is { } mac)
        {
            result = result with { Mac = mac };
        }
        return result;
    }

    private static Ipv6Prefix? ReadIpv6Address(ConfigReader reader, ConfigNode item, string what, Dictionary<Ipv6Address, string> seen)
    {
        if (reader.InterfaceAddressV6(item, $"'address' of {what}") is not { } prefix)
        {
            return null;
        }
        var address = prefix.Address;
        bool anycast = prefix.Length < 127 && (address.Value & ~prefix.Mask) == UInt128.Zero;
        if (address.IsUnspecified || address.IsLoopback || address.IsMulticast || anycast)
        {
            reader.Diagnostics.Error(RouterDiagnosticCodes.BadInterfaceAddress, item.Span,
                $"'address' of {what} cannot be {prefix}: it is unspecified, loopback, multicast or a subnet-router anycast address (all host bits zero)");
            return null;
        }
        if (!address.IsLinkLocal && seen.TryGetValue(address, out var owner))
        {
            reader.Diagnostics.Error(RouterDiagnosticCodes.DuplicateAddress, item.Span, $"address {address} of {what} is already on {owner}");
            return null;
        }
        seen[address] = what;
        return prefix;
    }

    // ra: true | false | { prefixes, managed, other, rdnss, lifetime, interval }
    private static RouterAdvertisements? ReadAdvertisements(ConfigReader reader, ConfigNode node, string what, bool hasIpv6)
    {
        RouterAdvertisements? result = null;
        if (node is ConfigScalar scalar)
        {
            result = reader.Bool(scalar, what) == true ? new RouterAdvertisements() : null;
        }
        else if (reader.AsMapping(node, what) is { } map)
        {
            reader.CheckKeys(map, what, s_advertisementKeys);
            result = new RouterAdvertisements();
            if (map["prefixes"] is { } prefixesNode)
            {
                IReadOnlyList<ConfigNode> items = prefixesNode is ConfigSequence list ? list.Items : [prefixesNode];
                result = result with { Prefixes = [.. items.Select(i => reader.PrefixV6(i, $"a prefix in {what}")).OfType<Ipv6Prefix>()] };
            }
            if (map["rdnss"] is { } rdnssNode)
            {
                IReadOnlyList<ConfigNode> items = rdnssNode is ConfigSequence list ? list.Items : [rdnssNode];
                result = result with { Rdnss = [.. items.Select(i => reader.AddressV6(i, $"a server in 'rdnss' of {what}")).OfType<Ipv6Address>()] };
            }
            if (map["managed"] is { } managed && reader.Bool(managed, $"'managed' of {what}") is { } m)
            {
                result = result with { Managed = m };
            }
            if (map["other"] is { } other && reader.Bool(other, $"'other' of {what}") is { } o)
            {
                result = result with { Other = o };
            }
            if (map["interval"] is { } interval &&
                reader.Duration(interval, $"'interval' of {what}", TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1800)) is { } i)
            {
                result = result with { Interval = i };
            }
            if (map["lifetime"] is { } lifetime &&
                reader.Duration(lifetime, $"'lifetime' of {what}", TimeSpan.Zero, TimeSpan.FromSeconds(9000)) is { } l)
            {
                result = result with { Lifetime = l };
                if (l != TimeSpan.Zero && l < result.Interval)
                {
                    reader.Diagnostics.Error(RouterDiagnosticCodes.BadAdvertisements, lifetime.Span,
                        $"'lifetime' of {what} is shorter than its interval: hosts would drop the router between two advertisements (use 0 for a router that is no default router)");
                }
            }
        }
        if (result is not null && !hasIpv6)
        {
            reader.Diagnostics.Error(RouterDiagnosticCodes.BadAdvertisements, node.Span,
                $"{what} advertises, but the interface has no IPv6 address: add one such as 2001:db8:1::1/64 to 'address'");
        }
        return result;
    }

    // A route is IPv6 when its prefix is, or (for 'prefix: default') when its gateway is.
    private static bool IsIpv6Route(ConfigNode item) =>
        item is ConfigMapping map && map["prefix"] is { } prefix &&
        (Ipv6ConfigReader.LooksLikeIpv6(prefix) ||
         (prefix is ConfigScalar { Value: "default" } && map["via"] is { } via && Ipv6ConfigReader.LooksLikeIpv6(via)));

    private static Ipv6StaticRoute? ReadIpv6Route(ConfigReader reader, ConfigNode item, string where)
    {
        var map = (ConfigMapping)item;
        string what = $"a route of {where}";
        reader.CheckKeys(map, what, s_routeKeys);
        var prefixNode = map["prefix"]!;
        Ipv6Prefix? prefix = prefixNode is ConfigScalar { Value: "default" } ? new Ipv6Prefix(default, 0) : reader.PrefixV6(prefixNode, $"'prefix' of {what}");
        if (prefix is not { } p)
        {
            return null;
        }
        var viaNode = map["via"];
        var devNode = map["dev"];
        Ipv6Address? via = viaNode is null ? null : reader.AddressV6(viaNode, $"'via' of route {p} of {where}");
        string? dev = devNode is null ? null : reader.AsScalar(devNode, $"'dev' of route {p} of {where}")?.Value;
        if ((viaNode is null && devNode is null) || (via is { IsLinkLocal: true } && devNode is null) ||
            (via is { IsLinkLocal: false } && devNode is not null))
        {
            reader.Diagnostics.Error(RouterDiagnosticCodes.ViaOrDev, map.Span,
                $"route {p} of {where} needs 'via: GATEWAY', 'dev: INTERFACE', or both when the gateway is link-local (fe80::/10)");
            return null;
        }
        return (viaNode is not null && via is null) || (devNode is not null && dev is null)
            ? null
            : new Ipv6StaticRoute { Prefix = p.Network, Via = via, Device = dev, Span = map.Span };
    }

    // features: [masq, fw] (or one name alone): the names, in order, each once.
    private static List<(string Name, SourceSpan Span)> ReadFeatures(ConfigReader reader, ConfigNode node, string what)
    {
        var named = new List<(string Name, SourceSpan Span)>();
        IReadOnlyList<ConfigNode> items = node is ConfigSequence list ? list.Items : [node];
        foreach (var item in items)
        {
            if (reader.AsScalar(item, $"a name in {what}") is not { } name)
            {
                continue;
            }
            if (name.Value.Length == 0)
            {
                reader.Diagnostics.Error(DiagnosticCodes.BadFeature, item.Span, $"{what} has an empty name: name a feature function of the topology");
            }
            else if (named.Exists(f => f.Name == name.Value))
            {
                reader.Diagnostics.Error(DiagnosticCodes.BadFeature, item.Span, $"{what} names '{name.Value}' twice");
            }
            else
            {
                named.Add((name.Value, name.Span));
            }
        }
        return named;
    }

    private static StaticRoute? ReadRoute(ConfigReader reader, ConfigNode item, string where)
    {
        string what = $"a route of {where}";
        if (reader.AsMapping(item, what) is not { } map)
        {
            return null;
        }
        reader.CheckKeys(map, what, s_routeKeys);
        if (reader.Required(map, "prefix", what) is not { } prefixNode || reader.AsScalar(prefixNode, $"'prefix' of {what}") is not { } prefixScalar)
        {
            return null;
        }
        string text = prefixScalar.Value == "default" ? "0.0.0.0/0" : prefixScalar.Value;
        if (!Ipv4Prefix.TryParse(text, out var prefix, requireLength: true))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, prefixNode.Span,
                $"'prefix' of {what} must be an IPv4 prefix such as 10.1.0.0/16 (or 'default'), not '{prefixScalar.Value}'");
            return null;
        }
        var viaNode = map["via"];
        var devNode = map["dev"];
        if ((viaNode is null) == (devNode is null))
        {
            reader.Diagnostics.Error(RouterDiagnosticCodes.ViaOrDev, map.Span,
                $"route {prefix} of {where} needs exactly one of 'via: GATEWAY' or 'dev: INTERFACE'");
            return null;
        }
        if (viaNode is not null)
        {
            return reader.Address(viaNode, $"'via' of route {prefix} of {where}") is { } via
                ? new StaticRoute { Prefix = prefix.Network, Via = via, Span = map.Span }
                : null;
        }
        return reader.AsScalar(devNode!, $"'dev' of route {prefix} of {where}") is { } dev
            ? new StaticRoute { Prefix = prefix.Network, Device = dev.Value, Span = dev.Span }
            : null;
    }
}
