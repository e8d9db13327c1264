using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Nfv.Management;

namespace Nfv.Host.Commands;

/// <summary>The <c>Nfv</c> section of appsettings.json (also settable as <c>--Nfv:Key=value</c> after <c>nfv run FILE</c>).</summary>
public sealed class NfvOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Nfv";

    /// <summary>The topology <c>nfv run</c> runs when given no file.</summary>
    [Required]
    public string Topology { get; set; } = "topologies/home-router.yaml";

    /// <summary>
    /// Folders of plugins: every assembly in them that declares functions (<c>[assembly: NetworkFunction]</c>) adds its
    /// kinds, loaded in a context of its own. Read by every verb that takes a topology.
    /// </summary>
    public IReadOnlyList<string> PluginDirectories { get; set; } = [];

    /// <summary>Packet buffers in the pool (each holds a 64 KB super-frame). Bounds the dataplane's memory.</summary>
    [Range(64, 65536)]
    public int PacketPoolSize { get; set; } = 512;

    /// <summary>
    /// Dataplane worker threads, each with its own pool of <see cref="PacketPoolSize"/> packets; 0 (the default) for one
    /// per two cores (<see cref="WorkerCount"/>). The ports and functions are spread over them (docs/architecture.md,
    /// "Threading"); with <see cref="MultiQueueTaps"/> the switches, routers and NATs between TAPs run an instance on
    /// each, so many flows use every worker, and a packet whose next function or port is on another worker is handed
    /// over to it. On 2 cores that is one worker: with TAP I/O batched, a second carries one flow and 8 TCP flows no
    /// faster, and 8 flows of 64-byte frames a quarter slower at twice the CPU a frame (the hosts' stacks and programs
    /// need the same cores; bench/README.md, "The default number of workers").
    /// </summary>
    [Range(0, MaxWorkers)]
    public int Workers { get; set; }

    /// <summary>
    /// How many workers run: <see cref="Workers"/>, or for 0 one per two cores the process may use
    /// (<see cref="Environment.ProcessorCount"/>, which follows a container's CPU limit and <c>DOTNET_PROCESSOR_COUNT</c>),
    /// at least one and at most <see cref="MaxWorkers"/>. Half, not all: in a TAP lab the hosts' own network stacks and
    /// programs (an iperf3) run on the same cores, and a frame nfv writes is received by the host's stack inside that
    /// write. Each worker makes its pool resident (33 MB with the default pool size).
    /// </summary>
    public int WorkerCount => Workers > 0 ? Workers : Math.Clamp(Environment.ProcessorCount / 2, 1, MaxWorkers);

    /// <summary>The most workers <see cref="Workers"/> may ask for, and the default's limit on a machine of more cores.</summary>
    public const int MaxWorkers = 64;

    /// <summary>
    /// With several workers, open each TAP with a queue per worker (IFF_MULTI_QUEUE), every worker reading and writing
    /// its own queue of every TAP, instead of placing each TAP on one worker. On by default (it changes nothing with one
    /// worker): the kernel keeps a flow on the queue nfv last wrote it on, so a function run as an instance per worker
    /// keeps each flow on one worker with nothing handed over, and one that runs once draws its flows to its own worker,
    /// where placing each TAP on one worker would hand every other frame over (TCP through the switch 0.75-0.79x the
    /// copy loop with two workers that way; bench/README.md, "Workers").
    /// </summary>
    public bool MultiQueueTaps { get; set; } = true;

    /// <summary>
    /// Read and write TAPs in batches through io_uring, one system call a batch, not one a frame (and one more a read
    /// that finds nothing). On by default: on this kind of machine (page table isolation without PCID) a system call's
    /// entry and exit flush the TLB, and batching them took nfv from 5.5 to 2.9 µs of CPU a 64-byte frame through the
    /// switch (bench/README.md, "Batched TAP reads and writes"). Where io_uring is refused (an old kernel,
    /// <c>kernel.io_uring_disabled</c>, a seccomp profile), nfv says so once and reads and writes frame by frame.
    /// </summary>
    public bool BatchedTapIo { get; set; } = true;

    /// <summary>Frames read from one port before the graph runs them.</summary>
    [Range(1, 1024)]
    public int ReceiveBatchSize { get; set; } = 64;

    /// <summary>The most functions a packet crosses in one pass (the loop guard).</summary>
    [Range(2, 255)]
    public int MaxHops { get; set; } = 32;

    /// <summary>The management API and metrics endpoint (checked by <see cref="ManagementOptions.Resolve"/>).</summary>
    public ManagementOptions Management { get; set; } = new();

    /// <summary>
    /// After a wake-up that found frames, how long the worker keeps polling quiet ports before it sleeps in
    /// epoll_wait again; zero sleeps at once. Spinning trades an idle core's time for fewer wake-ups.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan BusyPoll { get; set; } = TimeSpan.FromMicroseconds(50);

    /// <summary>
    /// Where functions keep what must survive a restart (DHCP leases), in a directory per topology
    /// (<c>STATE/TOPOLOGY/FUNCTION.leases</c>). The systemd unit's <c>StateDirectory=nfv</c> makes /var/lib/nfv.
    /// </summary>
    [Required]
    public string StateDirectory { get; set; } = "/var/lib/nfv";

    /// <summary>
    /// How long <c>nfv run</c> waits for the lab hosts with <c>address: dhcp</c> to get a lease before it says it is
    /// up (with a warning for each host still without one; their clients keep trying).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DhcpTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often to log dataplane and process statistics; zero turns it off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StatsInterval { get; set; } = TimeSpan.Zero;
}

/// <summary>Validates <see cref="NfvOptions"/> at start (source-generated).</summary>
[OptionsValidator]
public sealed partial class NfvOptionsValidator : IValidateOptions<NfvOptions>;
