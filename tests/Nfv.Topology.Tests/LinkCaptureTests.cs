namespace Nfv.Topology.Tests;

/// <summary>Links written as <c>{ endpoints: [a, b], capture: FILE.pcap }</c>.</summary>
public class LinkCaptureTests
{
    private const string Head = "functions:\n  sw: { kind: switch }\nports:\n  p: { tap: nfv-p }\n  q: { tap: nfv-q }\nlinks:\n";

    [Fact]
    public void A_link_with_a_capture_resolves_the_file_against_the_topology_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "nfv-labs");
        var result = Fixture.Text(Head + "  - { endpoints: [p, sw], capture: caps/p.pcap }\n  - [q, sw]\n", Path.Combine(folder, "lab.yaml"));

        Fixture.AssertDiagnostics(result);
        var links = result.Topology!.Links;
        Assert.Equal(Path.Combine(folder, "caps", "p.pcap"), links[0].Capture);
        Assert.Equal("p", links[0].A.Display);
        Assert.Null(links[1].Capture);
    }

    [Fact]
    public void A_mapping_link_without_a_capture_is_a_plain_link()
    {
        var result = Fixture.Text(Head + "  - { endpoints: [p, sw] }\n  - [q, sw]\n");

        Fixture.AssertDiagnostics(result);
        Assert.Null(result.Topology!.Links[0].Capture);
        Assert.Equal(2, result.Topology.Links.Count);
    }

    [Fact]
    public void Bad_link_mappings_are_reported_with_line_and_column()
    {
        var result = Fixture.Text(Head +
            "  - { capture: a.pcap }\n" +                         // line 7
            "  - { endpoints: p, capture: b.pcap }\n" +           // line 8
            "  - { endpoints: [p, sw], capture: [x], tap: y }\n" + // line 9
            "  - { endpoints: [q, sw], capture: \"\" }\n");        // line 10

        Fixture.AssertDiagnostics(result,
            "lab.yaml(7,5): error NFV0101: a link written as a mapping ({ endpoints: [a, b], capture: FILE.pcap, impair: { delay: 20ms } }) needs 'endpoints'",
            "lab.yaml(8,18): error NFV0106: a link's 'endpoints' must be a list of two ends such as [lan1, sw] or [gw.lan, sw], not the value 'p'",
            "lab.yaml(9,36): error NFV0201: a link's 'capture' must be a single value, not a list",
            "lab.yaml(9,41): error NFV0102: unknown key 'tap' in a link; expected one of: endpoints, capture, impair",
            "lab.yaml(10,36): error NFV0201: a link's 'capture' is empty; write a file name such as lan1.pcap");
    }

    [Fact]
    public void Two_links_cannot_capture_to_one_file()
    {
        var result = Fixture.Text(Head + "  - { endpoints: [p, sw], capture: x.pcap }\n  - { endpoints: [q, sw], capture: ./x.pcap }\n");

        Fixture.AssertDiagnostics(result,
            "lab.yaml(8,36): error NFV0106: capture file './x.pcap' is already written by the link at lab.yaml(7,36); give each link its own file");
    }

    [Fact]
    public void A_scalar_link_names_both_shapes()
    {
        var result = Fixture.Text(Head + "  - p\n  - [q, sw]\n");

        Fixture.AssertDiagnostics(result,
            "lab.yaml(4,3): warning NFV0107: port 'p' is not linked to anything",
            "lab.yaml(7,5): error NFV0106: a link must be a list of two ends such as [lan1, sw] or [gw.lan, sw], or { endpoints: [a, b], capture: FILE.pcap }, not the value 'p'");
    }
}
