using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>TAPs read and written in batches through io_uring (<c>Nfv:BatchedTapIo</c>), and what happens where it is refused.</summary>
public sealed class BatchedTapIoLabTests
{
    // Execs its arguments under a seccomp filter that fails io_uring_setup (425 on x86-64 and arm64) with EPERM, as a
    // container runtime's default profile (Docker's) does; the process stays the one the test started.
    private const string RefuseIoUring = """
        import ctypes, os, struct, sys
        libc = ctypes.CDLL(None, use_errno=True)
        def insn(code, k, jt=0, jf=0): return struct.pack('HBBI', code, jt, jf, k)
        prog = insn(0x20, 0) + insn(0x15, 425, 0, 1) + insn(0x06, 0x00050000 | 1) + insn(0x06, 0x7FFF0000)
        class Fprog(ctypes.Structure): _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]
        code = ctypes.create_string_buffer(prog)
        fprog = Fprog(len(prog) // 8, ctypes.addressof(code))
        if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), 'seccomp')
        os.execvp(sys.argv[1], sys.argv[1:])
        """;

    private const string Refused = "TAPs are read and written one system call a frame";

    [PrivilegedTheory(Needs = "python3 iperf3")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Where_io_uring_is_refused_nfv_says_why_once_and_forwards_frame_by_frame(bool refused)
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("pair.yaml", $$"""
            name: pair
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
            links:
              - [p1, lan]
              - [p2, lan]
            hosts:
              {{h1}}: { port: p1, address: 10.78.0.1/24 }
              {{h2}}: { port: p2, address: 10.78.0.2/24 }
            """);
        using var nfv = refused ? lab.StartNfvBy(["python3", "-c", RefuseIoUring], "run", path) : lab.StartNfv("run", path);
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));

        await Ping.AssertReachesAsync(h1, "10.78.0.2");
        var (bytes, _) = await Iperf3.TcpAsync(h1, h2, "10.78.0.2", seconds: 2, flows: 4);

        Assert.True(bytes > 0, "TCP crossed the switch");
        var log = nfv.StandardOutput + nfv.StandardError;
        if (refused)
        {
            Assert.Single(Regex.Matches(log, Refused));
            Assert.Contains("io_uring_setup: Operation not permitted", log, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain(Refused, log, StringComparison.Ordinal);
        }
    }
}
