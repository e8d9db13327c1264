#!/usr/bin/env bash
# End-to-end throughput of an Nfv function against the Linux kernel doing the same job, in the same run.
#
# Two namespaces (a client and a server) are joined (1) through nfv over two TAPs and (2) through the
# kernel over veth pairs:
#   --function switch (default): nfv's switch  vs  a Linux bridge           (one subnet, 10.88.0.0/24)
#   --function router:           nfv's router  vs  a namespace forwarding    (10.88.1.0/24 -> 10.88.2.0/24)
#   --function nat:              nfv's router with a NAT on its wan  vs  a namespace forwarding with
#                                iptables MASQUERADE (the server has no route back to 10.88.1.0/24)
#   --function chain:            the home router's chain, nfv's switch + router + NAT  vs  a bridge + forwarding +
#                                MASQUERADE in one namespace (the client on the bridge, the router's address on it)
#   --function vxlan:            a TAP host through nfv's switch and its vxlan port  vs  a kernel vxlan device,
#                                each to a kernel vxlan device in the server's namespace over a veth underlay
#                                (10.88.0.0/24 inside, 10.89.0.0/30 and 10.89.1.0/30 underneath)
# For each, interleaved, REPS times:
#   - iperf3 TCP, one stream (--streams N for N flows at once), DURATION s: receiver's bits/s
#   - iperf3 UDP with 18-byte payloads (64-byte frames on the wire, 60 without FCS), unthrottled:
#     frames that reached the server's interface per second (docs/tap-and-lab-notes.md, trap 5: judge by the far
#     interface's rx_packets, not by iperf3's own rate); --streams N sends N flows at once
#   - 100 lone pings, 20 ms apart: the median round trip
# and the same through the bare TAP copy loop (two TAPs linked to each other through nfv's worker, no function: the
# ceiling of any TAP dataplane here), with nfv's and the loop's CPU time a 64-byte frame; then prints medians and the
# ratios nfv / kernel and nfv / loop. For switch and chain, also through Open vSwitch's userspace datapath
# (datapath_type=netdev, userspace TSO on, the hosts on OVS's own tap ports; the chain as OpenFlow rules with
# userspace conntrack NAT), a private ovsdb-server and ovs-vswitchd started here, when openvswitch-switch installs
# (--no-ovs to leave it out). With --soak S, also runs one S-second iperf3 through nfv and prints nfv's resident
# memory and GC counts at start and end.
#
#   usage: bench/throughput.sh [--function switch|router|nat|chain|vxlan] [--reps N] [--duration S] [--soak S]
#                              [--streams N] [--no-ovs] [--table FILE] [--nfv-arg --Nfv:Key=value ...]  (as root)
# --table FILE appends this run's medians to FILE as one Markdown table row (bench/all.sh writes the header).
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=5
DURATION=5
SOAK=0
FUNCTION=switch
STREAMS=1
NFV_ARGS=()
OVS=1
TABLE=""
while (($#)); do
  case "$1" in
    --no-ovs) OVS=0; shift ;;
    --table) TABLE=$2; shift 2 ;;
    --nfv-arg) NFV_ARGS+=("$2"); shift 2 ;;
    --function) FUNCTION=$2; shift 2 ;;
    --streams) STREAMS=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --soak) SOAK=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$FUNCTION" in switch|router|nat|chain|vxlan) ;; *) echo "--function must be switch, router, nat, chain or vxlan" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "bench/throughput.sh needs root (namespaces, TAPs, bridges)" >&2; exit 1; }
command -v iperf3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null; }
case "$FUNCTION" in switch|chain) ;; *) OVS=0 ;; esac
if [ "$OVS" = 1 ] && ! command -v ovs-vswitchd >/dev/null; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openvswitch-switch >/dev/null; } ||
    { echo "openvswitch-switch did not install: no Open vSwitch figures this run" >&2; OVS=0; }
fi

P="nb$(head -c2 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WORK=$(mktemp -d)
NFV_PID=""
LOOP_PID=""
OVSDB_PID=""
VSWITCHD_PID=""
# nfv runs as a background job, and background jobs of a script ignore SIGINT: stop it with SIGTERM.
cleanup() {
  for pid in $NFV_PID $LOOP_PID; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  [ -n "$VSWITCHD_PID" ] && { ovs_vsctl --if-exists del-br "$P-ob" 2>/dev/null || true; }
  for pid in $VSWITCHD_PID $OVSDB_PID; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  ip link delete "$P-ob" 2>/dev/null || true
  for ns in "$P-bc" "$P-bs" "$P-br" "$P-nc" "$P-ns" "$P-lc" "$P-ls" "$P-oc" "$P-os"; do
    if [ -e "/run/netns/$ns" ]; then
      for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns delete "$ns" 2>/dev/null || true
    fi
  done
  ip link delete "$P-u0" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building nfv (Release)..."
dotnet build src/Nfv.Host -c Release -v q -nologo >/dev/null
NFV=src/Nfv.Host/bin/Release/net10.0/nfv.dll

# --- Kernel path: client ns <veth> middle ns <veth> server ns; the middle bridges or routes.
ip netns add "$P-bc"; ip netns add "$P-bs"; ip netns add "$P-br"
for side in c s; do
  ip link add "$P-b$side" type veth peer name "$P-b${side}p"
  ip link set "$P-b$side" netns "$P-b$side"
  ip link set "$P-b${side}p" netns "$P-br"
  ip -n "$P-br" link set "$P-b${side}p" up
  ip -n "$P-b$side" link set "$P-b$side" name eth0
  ip -n "$P-b$side" link set lo up
  ip -n "$P-b$side" link set eth0 up
done
if [ "$FUNCTION" = vxlan ]; then
  # Kernel: the client's and the server's vxlan devices over one veth (the middle namespace stays unused).
  # Nfv: the TAP host, nfv's switch, its vxlan port on a veth from here to the server's namespace, and the
  # server's kernel vxlan device. Inner checksums are computed in software on the server's underlay (ethtool
  # tx off) in both, since over veth the kernel leaves them partial for a peer it trusts (docs/scale-out.md).
  SERVER=10.88.0.2
  KERNEL="kernel vxlan"
  command -v ethtool >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ethtool >/dev/null; }
  ip -n "$P-bc" link del eth0; ip -n "$P-bs" link del eth0
  ip link add "$P-bu" type veth peer name "$P-bv"
  ip link set "$P-bu" netns "$P-bc"; ip link set "$P-bv" netns "$P-bs"
  ip -n "$P-bc" addr add 10.89.0.1/30 dev "$P-bu"; ip -n "$P-bc" link set "$P-bu" up
  ip -n "$P-bs" addr add 10.89.0.2/30 dev "$P-bv"; ip -n "$P-bs" link set "$P-bv" up
  ip netns exec "$P-bs" ethtool -K "$P-bv" tx off >/dev/null
  ip -n "$P-bc" link add eth0 type vxlan id 100 dstport 4789 remote 10.89.0.2 local 10.89.0.1 dev "$P-bu"
  ip -n "$P-bs" link add eth0 type vxlan id 100 dstport 4789 remote 10.89.0.1 local 10.89.0.2 dev "$P-bv"
  ip -n "$P-bc" addr add 10.88.0.1/24 dev eth0; ip -n "$P-bc" link set eth0 up
  ip -n "$P-bs" addr add 10.88.0.2/24 dev eth0; ip -n "$P-bs" link set eth0 up
  ip netns add "$P-ns"
  ip link add "$P-u0" type veth peer name "$P-u1"
  ip link set "$P-u1" netns "$P-ns"
  ip addr add 10.89.1.1/30 dev "$P-u0"; ip link set "$P-u0" up
  ip -n "$P-ns" addr add 10.89.1.2/30 dev "$P-u1"; ip -n "$P-ns" link set "$P-u1" up; ip -n "$P-ns" link set lo up
  ip netns exec "$P-ns" ethtool -K "$P-u1" tx off >/dev/null
  ip -n "$P-ns" link add eth0 type vxlan id 100 dstport 4789 remote 10.89.1.1 local 10.89.1.2 dev "$P-u1"
  ip -n "$P-ns" addr add 10.88.0.2/24 dev eth0; ip -n "$P-ns" link set eth0 up
  cat >"$WORK/bench.yaml" <<YAML
name: bench-vxlan
functions:
  lan: { kind: switch }
ports:
  c: { tap: $P-nc }
  s: { vxlan: { remote: 10.89.1.2, local: 10.89.1.1, vni: 100 } }
links: [ [c, lan], [s, lan] ]
hosts:
  $P-nc: { port: c, address: 10.88.0.1/24 }
YAML
elif [ "$FUNCTION" = switch ]; then
  SERVER=10.88.0.2
  KERNEL="Linux bridge"
  ip -n "$P-br" link add br0 type bridge
  ip -n "$P-br" link set br0 up
  ip -n "$P-br" link set "$P-bcp" master br0
  ip -n "$P-br" link set "$P-bsp" master br0
  ip -n "$P-bc" addr add 10.88.0.1/24 dev eth0
  ip -n "$P-bs" addr add 10.88.0.2/24 dev eth0
  cat >"$WORK/bench.yaml" <<YAML
name: bench-switch
functions:
  lan: { kind: switch }
ports:
  c: { tap: $P-nc }
  s: { tap: $P-ns }
links: [ [c, lan], [s, lan] ]
hosts:
  $P-nc: { port: c, address: 10.88.0.1/24 }
  $P-ns: { port: s, address: 10.88.0.2/24 }
YAML
elif [ "$FUNCTION" = chain ]; then
  SERVER=10.88.2.1
  KERNEL="Linux bridge + forwarding + MASQUERADE"
  command -v iptables >/dev/null || { echo "--function chain needs iptables" >&2; exit 1; }
  ip netns exec "$P-br" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$P-br" link add br0 type bridge
  ip -n "$P-br" link set br0 up
  ip -n "$P-br" link set "$P-bcp" master br0
  ip -n "$P-br" addr add 10.88.1.254/24 dev br0
  ip -n "$P-br" addr add 10.88.2.254/24 dev "$P-bsp"
  ip netns exec "$P-br" iptables -t nat -A POSTROUTING -o "$P-bsp" -j MASQUERADE
  ip -n "$P-bc" addr add 10.88.1.1/24 dev eth0
  ip -n "$P-bs" addr add 10.88.2.1/24 dev eth0
  ip -n "$P-bc" route add default via 10.88.1.254
  cat >"$WORK/bench.yaml" <<YAML
name: bench-chain
functions:
  lan: { kind: switch }
  gw:
    kind: router
    interfaces:
      lan: { address: 10.88.1.254/24 }
      wan: { address: 10.88.2.254/24, features: [masq] }
  masq: { kind: nat }
ports:
  c: { tap: $P-nc }
  s: { tap: $P-ns }
links: [ [c, lan], [gw.lan, lan], [s, gw.wan] ]
hosts:
  $P-nc: { port: c, address: 10.88.1.1/24, gateway: 10.88.1.254 }
  $P-ns: { port: s, address: 10.88.2.1/24 }
YAML
elif [ "$FUNCTION" = nat ]; then
  SERVER=10.88.2.1
  KERNEL="Linux forwarding + MASQUERADE"
  command -v iptables >/dev/null || { echo "--function nat needs iptables" >&2; exit 1; }
  ip netns exec "$P-br" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$P-br" addr add 10.88.1.254/24 dev "$P-bcp"
  ip -n "$P-br" addr add 10.88.2.254/24 dev "$P-bsp"
  ip netns exec "$P-br" iptables -t nat -A POSTROUTING -o "$P-bsp" -j MASQUERADE
  ip -n "$P-bc" addr add 10.88.1.1/24 dev eth0
  ip -n "$P-bs" addr add 10.88.2.1/24 dev eth0
  ip -n "$P-bc" route add default via 10.88.1.254
  cat >"$WORK/bench.yaml" <<YAML
name: bench-nat
functions:
  gw:
    kind: router
    interfaces:
      lan: { address: 10.88.1.254/24 }
      wan: { address: 10.88.2.254/24, features: [masq] }
  masq: { kind: nat }
ports:
  c: { tap: $P-nc }
  s: { tap: $P-ns }
links: [ [c, gw.lan], [s, gw.wan] ]
hosts:
  $P-nc: { port: c, address: 10.88.1.1/24, gateway: 10.88.1.254 }
  $P-ns: { port: s, address: 10.88.2.1/24 }
YAML
else
  SERVER=10.88.2.1
  KERNEL="Linux forwarding"
  ip netns exec "$P-br" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$P-br" addr add 10.88.1.254/24 dev "$P-bcp"
  ip -n "$P-br" addr add 10.88.2.254/24 dev "$P-bsp"
  ip -n "$P-bc" addr add 10.88.1.1/24 dev eth0
  ip -n "$P-bs" addr add 10.88.2.1/24 dev eth0
  ip -n "$P-bc" route add default via 10.88.1.254
  ip -n "$P-bs" route add default via 10.88.2.254
  cat >"$WORK/bench.yaml" <<YAML
name: bench-router
functions:
  gw:
    kind: router
    interfaces:
      lan: { address: 10.88.1.254/24 }
      wan: { address: 10.88.2.254/24 }
ports:
  c: { tap: $P-nc }
  s: { tap: $P-ns }
links: [ [c, gw.lan], [s, gw.wan] ]
hosts:
  $P-nc: { port: c, address: 10.88.1.1/24, gateway: 10.88.1.254 }
  $P-ns: { port: s, address: 10.88.2.1/24, gateway: 10.88.2.254 }
YAML
fi

# --- Open vSwitch's userspace datapath: client ns <tap> ovs-vswitchd <tap> server ns, its own ovsdb in $WORK.
ovs_vsctl() { ovs-vsctl --db="unix:$WORK/ovs/db.sock" "$@"; }
if [ "$OVS" = 1 ]; then
  mkdir -p "$WORK/ovs"
  export OVS_RUNDIR="$WORK/ovs" OVS_LOGDIR="$WORK/ovs" OVS_DBDIR="$WORK/ovs"
  ovsdb-tool create "$WORK/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  ovsdb-server "$WORK/ovs/conf.db" --remote="punix:$WORK/ovs/db.sock" --unixctl="$WORK/ovs/ovsdb.ctl" \
    --log-file="$WORK/ovs/ovsdb.log" >/dev/null 2>&1 &
  OVSDB_PID=$!
  for _ in $(seq 1 50); do [ -S "$WORK/ovs/db.sock" ] && break; sleep 0.1; done
  ovs_vsctl --no-wait init
  ovs_vsctl --no-wait set Open_vSwitch . other_config:userspace-tso-enable=true
  ovs-vswitchd "unix:$WORK/ovs/db.sock" --unixctl="$WORK/ovs/vswitchd.ctl" --log-file="$WORK/ovs/vswitchd.log" >/dev/null 2>&1 &
  VSWITCHD_PID=$!
  ovs_vsctl add-br "$P-ob" -- set bridge "$P-ob" datapath_type=netdev fail_mode=secure
  # OVS makes the tap devices and keeps their descriptors; each then moves into its host's namespace as eth0.
  ovs_vsctl add-port "$P-ob" "$P-oc" -- set interface "$P-oc" type=tap ofport_request=1 \
    -- add-port "$P-ob" "$P-os" -- set interface "$P-os" type=tap ofport_request=2
  for side in c s; do
    ip netns add "$P-o$side"
    ip link set "$P-o$side" netns "$P-o$side"
    ip -n "$P-o$side" link set "$P-o$side" name eth0
    ip -n "$P-o$side" link set lo up
    ip -n "$P-o$side" link set eth0 up
  done
  ofctl() { ovs-ofctl -O OpenFlow13 "$@" "unix:$WORK/ovs/$P-ob.mgmt" "$WORK/ovs/flows"; }
  if [ "$FUNCTION" = switch ]; then
    ip -n "$P-oc" addr add 10.88.0.1/24 dev eth0
    ip -n "$P-os" addr add 10.88.0.2/24 dev eth0
    echo "priority=0 actions=NORMAL" >"$WORK/ovs/flows"
  else
    # The home router as flows: the client's packets to the server's subnet are committed to conntrack with source
    # NAT to the router's wan address, the server's answers un-NATed by conntrack; MACs rewritten and TTL decremented
    # both ways. The hosts know the router's MAC statically, which leaves ARP out of the rules.
    router_mac=02:00:00:00:88:fe
    ip -n "$P-oc" addr add 10.88.1.1/24 dev eth0
    ip -n "$P-os" addr add 10.88.2.1/24 dev eth0
    ip -n "$P-oc" neigh replace 10.88.1.254 lladdr $router_mac dev eth0 nud permanent
    ip -n "$P-os" neigh replace 10.88.2.254 lladdr $router_mac dev eth0 nud permanent
    ip -n "$P-oc" route add default via 10.88.1.254
    client_mac=$(ip -n "$P-oc" -br link show eth0 | awk '{print $3}')
    server_mac=$(ip -n "$P-os" -br link show eth0 | awk '{print $3}')
    cat >"$WORK/ovs/flows" <<FLOWS
table=0,priority=10,ip,in_port=1,nw_dst=10.88.2.0/24 actions=ct(commit,zone=1,nat(src=10.88.2.254),table=1)
table=0,priority=10,ip,in_port=2,nw_dst=10.88.2.254 actions=ct(zone=1,nat,table=2)
table=0,priority=0 actions=drop
table=1,ip actions=set_field:$router_mac->eth_src,set_field:$server_mac->eth_dst,dec_ttl,output:2
table=2,priority=10,ct_state=+trk+est,ip actions=set_field:$router_mac->eth_src,set_field:$client_mac->eth_dst,dec_ttl,output:1
table=2,priority=0 actions=drop
FLOWS
  fi
  ofctl add-flows
  ip netns exec "$P-oc" ping -c 2 -i 0.2 -W 1 $SERVER >/dev/null || { echo "Open vSwitch's path does not carry a ping" >&2; exit 1; }
fi

# --- Nfv path: client ns <tap> nfv <tap> server ns
dotnet "$NFV" run "$WORK/bench.yaml" --Nfv:StatsInterval=00:00:05 --Nfv:Management:Address=127.0.0.1:0 "${NFV_ARGS[@]}" >"$WORK/nfv.out" 2>"$WORK/nfv.err" &
NFV_PID=$!
for _ in $(seq 1 100); do grep -q "is up" "$WORK/nfv.out" 2>/dev/null && break; sleep 0.2; done
grep -q "is up" "$WORK/nfv.out" || { echo "nfv did not come up:"; cat "$WORK/nfv.err"; exit 1; }

# --- The ceiling of any TAP dataplane here: the bare copy loop, two TAPs linked to each other through nfv's worker
# (epoll, batches, offload headers, TAP reads and writes batched through io_uring as nfv's are by default; no
# function), measured in the same run. Always one subnet, always one worker
# (whatever the defaults or --nfv-arg say), so every run is read against one core's ceiling.
cat >"$WORK/loop.yaml" <<YAML
name: bench-loop
ports:
  c: { tap: $P-lc }
  s: { tap: $P-ls }
links: [ [c, s] ]
hosts:
  $P-lc: { port: c, address: 10.88.0.1/24 }
  $P-ls: { port: s, address: 10.88.0.2/24 }
YAML
dotnet "$NFV" run "$WORK/loop.yaml" --Nfv:Management:Address=127.0.0.1:0 --Nfv:StateDirectory="$WORK/loop-state" --Nfv:Workers=1 >"$WORK/loop.out" 2>"$WORK/loop.err" &
LOOP_PID=$!
for _ in $(seq 1 100); do grep -q "is up" "$WORK/loop.out" 2>/dev/null && break; sleep 0.2; done
grep -q "is up" "$WORK/loop.out" || { echo "the copy loop did not come up:"; cat "$WORK/loop.err"; exit 1; }
ip netns exec "$P-lc" ping -c 2 -i 0.2 -W 1 10.88.0.2 >/dev/null

ip netns exec "$P-bc" ping -c 2 -i 0.2 -W 1 $SERVER >/dev/null
ip netns exec "$P-nc" ping -c 2 -i 0.2 -W 1 $SERVER >/dev/null

rx_packets() { ip netns exec "$1" cat /sys/class/net/eth0/statistics/rx_packets; }

tcp_run() { # client-ns server-ns [server-address] -> bits/s
  local address=${3:-$SERVER}
  ip netns exec "$2" timeout $((DURATION + 15)) iperf3 -s -1 -B "$address" >/dev/null 2>&1 &
  local server=$!
  sleep 0.3
  # With several streams the [SUM] receiver line comes last.
  ip netns exec "$1" timeout $((DURATION + 10)) iperf3 -c "$address" -t "$DURATION" -P "$STREAMS" -f k \
    | awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Kbits/sec") last = $(i-1) * 1000 } END { printf "%.0f\n", last }'
  wait "$server" || true
}

cpu_ticks() { [ -n "${1:-}" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }

worker_ticks() { # pid -> "thread ticks", one line per dataplane worker thread (nfv-worker-N), sorted
  [ -n "${1:-}" ] || return 0
  local task comm
  for task in /proc/"$1"/task/*; do
    comm=$(cat "$task/comm" 2>/dev/null) || continue
    case "$comm" in nfv-worker-*) echo "$comm $(awk '{print $14 + $15}' "$task/stat")" ;; esac
  done | sort
}

udp_run() { # client-ns server-ns [server-address] [pid] -> frames/s reaching the server's interface, the pid's CPU µs a
  # frame, and the busiest of its dataplane workers' share of their CPU time (1.00 with one worker, 1/N evenly spread)
  local address=${3:-$SERVER}
  ip netns exec "$2" timeout $((DURATION + 15)) iperf3 -s -1 -B "$address" >/dev/null 2>&1 &
  local server=$!
  sleep 0.3
  local before after cpu_before cpu_after workers_before workers_after share
  before=$(rx_packets "$2"); cpu_before=$(cpu_ticks "${4:-}"); workers_before=$(worker_ticks "${4:-}")
  ip netns exec "$1" timeout $((DURATION + 10)) iperf3 -c "$address" -u -b 0 -l 18 -t "$DURATION" -P "$STREAMS" >/dev/null 2>&1 || true
  after=$(rx_packets "$2"); cpu_after=$(cpu_ticks "${4:-}"); workers_after=$(worker_ticks "${4:-}")
  wait "$server" || true
  share=$(join <(echo "$workers_before") <(echo "$workers_after") | awk '{d = $3 - $2; t += d; if (d > m) m = d} END {printf "%.2f", t ? m / t : 1}')
  echo "$(((after - before) / DURATION)) $(echo "($cpu_after - $cpu_before) * 1000000 / $(getconf CLK_TCK) / ($after - $before + 1)" | bc -l | xargs printf '%.2f') $share"
}

ping_run() { # client-ns [server-address] -> median round trip in µs of 100 lone pings (20 ms apart: the path is idle before each)
  ip netns exec "$1" ping -c 100 -i 0.02 -W 1 "${2:-$SERVER}" | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | median | awk '{printf "%.0f\n", $1 * 1000}'
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

: >"$WORK/tcp.bridge"; : >"$WORK/tcp.nfv"; : >"$WORK/tcp.loop"; : >"$WORK/udp.bridge"; : >"$WORK/udp.nfv"; : >"$WORK/udp.loop"
: >"$WORK/ping.bridge"; : >"$WORK/ping.nfv"; : >"$WORK/ping.loop"; : >"$WORK/cpu.nfv"; : >"$WORK/cpu.loop"; : >"$WORK/share.nfv"
: >"$WORK/tcp.ovs"; : >"$WORK/udp.ovs"; : >"$WORK/ping.ovs"; : >"$WORK/cpu.ovs"
for rep in $(seq 1 "$REPS"); do
  ping_run "$P-bc" >>"$WORK/ping.bridge"
  ping_run "$P-nc" >>"$WORK/ping.nfv"
  ping_run "$P-lc" 10.88.0.2 >>"$WORK/ping.loop"
  tcp_run "$P-bc" "$P-bs" >>"$WORK/tcp.bridge"
  tcp_run "$P-nc" "$P-ns" >>"$WORK/tcp.nfv"
  tcp_run "$P-lc" "$P-ls" 10.88.0.2 >>"$WORK/tcp.loop"
  udp_run "$P-bc" "$P-bs" | cut -d' ' -f1 >>"$WORK/udp.bridge"
  read -r fps cpu share < <(udp_run "$P-nc" "$P-ns" "$SERVER" "$NFV_PID"); echo "$fps" >>"$WORK/udp.nfv"; echo "$cpu" >>"$WORK/cpu.nfv"; echo "$share" >>"$WORK/share.nfv"
  read -r fps cpu _ < <(udp_run "$P-lc" "$P-ls" 10.88.0.2 "$LOOP_PID"); echo "$fps" >>"$WORK/udp.loop"; echo "$cpu" >>"$WORK/cpu.loop"
  if [ "$OVS" = 1 ]; then
    ping_run "$P-oc" >>"$WORK/ping.ovs"
    tcp_run "$P-oc" "$P-os" >>"$WORK/tcp.ovs"
    read -r fps cpu _ < <(udp_run "$P-oc" "$P-os" "$SERVER" "$VSWITCHD_PID"); echo "$fps" >>"$WORK/udp.ovs"; echo "$cpu" >>"$WORK/cpu.ovs"
  fi
  echo "rep $rep: tcp kernel $(tail -1 "$WORK/tcp.bridge") nfv $(tail -1 "$WORK/tcp.nfv") loop $(tail -1 "$WORK/tcp.loop") ovs $(tail -1 "$WORK/tcp.ovs") bit/s;" \
       "udp64 kernel $(tail -1 "$WORK/udp.bridge") nfv $(tail -1 "$WORK/udp.nfv") loop $(tail -1 "$WORK/udp.loop") ovs $(tail -1 "$WORK/udp.ovs") frames/s;" \
       "cpu/frame nfv $(tail -1 "$WORK/cpu.nfv") loop $(tail -1 "$WORK/cpu.loop") ovs $(tail -1 "$WORK/cpu.ovs") µs;" \
       "ping kernel $(tail -1 "$WORK/ping.bridge") nfv $(tail -1 "$WORK/ping.nfv") loop $(tail -1 "$WORK/ping.loop") ovs $(tail -1 "$WORK/ping.ovs") µs"
done

tb=$(median <"$WORK/tcp.bridge"); tn=$(median <"$WORK/tcp.nfv"); tl=$(median <"$WORK/tcp.loop")
ub=$(median <"$WORK/udp.bridge"); un=$(median <"$WORK/udp.nfv"); ul=$(median <"$WORK/udp.loop")
pb=$(median <"$WORK/ping.bridge"); pn=$(median <"$WORK/ping.nfv"); pl=$(median <"$WORK/ping.loop")
cn=$(median <"$WORK/cpu.nfv"); cl=$(median <"$WORK/cpu.loop"); sn=$(median <"$WORK/share.nfv")
echo
echo "$FUNCTION: nfv against the $KERNEL. Medians over $REPS interleaved runs of ${DURATION}s ($(nproc) cores, $(uname -r)):"
echo "(loop: the bare TAP copy loop, two TAPs linked to each other through nfv's worker, the ceiling of a TAP dataplane)"
awk -v streams="$STREAMS" -v tb="$tb" -v tn="$tn" -v tl="$tl" -v ub="$ub" -v un="$un" -v ul="$ul" -v pb="$pb" -v pn="$pn" -v pl="$pl" -v cn="$cn" -v cl="$cl" -v sn="$sn" 'BEGIN {
  printf "  TCP %2d stream(s) kernel %6.2f Gbit/s   nfv %6.2f Gbit/s   loop %6.2f Gbit/s   nfv/kernel %.2f   nfv/loop %.2f\n", streams, tb / 1e9, tn / 1e9, tl / 1e9, tn / tb, tn / tl
  printf "  UDP 64-byte     kernel %8.0f fps     nfv %8.0f fps     loop %8.0f fps     nfv/kernel %.2f   nfv/loop %.2f\n", ub, un, ul, un / ub, un / ul
  printf "  CPU a 64-byte frame                     nfv %6.2f µs        loop %6.2f µs        nfv/loop %.2f (lower is better)\n", cn, cl, cn / cl
  printf "  CPU share of the busiest nfv worker (64-byte): %.2f (1.00 with one worker; 1/N spread evenly over N)\n", sn
  printf "  ping (lone)     kernel %8.0f µs      nfv %8.0f µs      loop %8.0f µs      nfv/kernel %.2f   nfv/loop %.2f (lower is better)\n", pb, pn, pl, pn / pb, pn / pl }'
if [ "$OVS" = 1 ]; then
  to=$(median <"$WORK/tcp.ovs"); uo=$(median <"$WORK/udp.ovs"); po=$(median <"$WORK/ping.ovs"); co=$(median <"$WORK/cpu.ovs")
  echo "Open vSwitch userspace (netdev datapath, userspace TSO, tap ports), same runs:"
  awk -v tn="$tn" -v to="$to" -v un="$un" -v uo="$uo" -v pn="$pn" -v po="$po" -v cn="$cn" -v co="$co" 'BEGIN {
    printf "  TCP             ovs %6.2f Gbit/s   nfv/ovs %.2f\n", to / 1e9, tn / to
    printf "  UDP 64-byte     ovs %8.0f fps     nfv/ovs %.2f\n", uo, un / uo
    printf "  CPU a frame     ovs %6.2f µs        nfv/ovs %.2f (lower is better)\n", co, cn / co
    printf "  ping (lone)     ovs %8.0f µs      nfv/ovs %.2f (lower is better)\n", po, pn / po }'
fi

if [ -n "$TABLE" ]; then
  [ "$OVS" = 1 ] || { to=""; uo=""; }
  label=$FUNCTION
  [ "$STREAMS" = 1 ] || label="$label, $STREAMS flows"
  for setting in "${NFV_ARGS[@]}"; do
    case "$setting" in
      --Nfv:Workers=*) label="$label, ${setting#--Nfv:Workers=} workers" ;;
      --Nfv:MultiQueueTaps=true) label="$label, a TAP queue each" ;;
    esac
  done
  awk -v f="$label" -v k="$KERNEL" -v tb="$tb" -v tn="$tn" -v tl="$tl" -v to="$to" -v ub="$ub" -v un="$un" -v ul="$ul" \
      -v uo="$uo" -v cn="$cn" -v cl="$cl" -v pb="$pb" -v pn="$pn" 'BEGIN {
    ovs_t = to == "" ? "-" : sprintf("%.2f", to / 1e9); ovs_tr = to == "" ? "-" : sprintf("**%.2f**", tn / to)
    ovs_u = uo == "" ? "-" : sprintf("%.0f", uo / 1e3); ovs_ur = uo == "" ? "-" : sprintf("**%.2f**", un / uo)
    printf "| %s (%s) | %.2f / %.2f / %s / %.2f | **%.2f** | **%.2f** | %s | %.0f / %.0f / %s / %.0f | **%.2f** | **%.2f** | %s | %.2f | %.0f / %.0f | **%.2f** |\n",
      f, k, tb / 1e9, tl / 1e9, ovs_t, tn / 1e9, tn / tb, tn / tl, ovs_tr, ub / 1e3, ul / 1e3, ovs_u, un / 1e3, un / ub, un / ul, ovs_ur,
      cn / cl, pb, pn, pn / pb }' >>"$TABLE"
fi

if [ "$SOAK" -gt 0 ]; then
  echo
  echo "Soak: ${SOAK}s iperf3 TCP through nfv..."
  sleep 6
  start_line=$(grep "Stats:" "$WORK/nfv.err" | tail -1)
  ip netns exec "$P-ns" timeout $((SOAK + 15)) iperf3 -s -1 -B $SERVER >/dev/null 2>&1 &
  server=$!
  sleep 0.3
  ip netns exec "$P-nc" timeout $((SOAK + 10)) iperf3 -c $SERVER -t "$SOAK" >/dev/null
  wait "$server" || true
  sleep 6
  end_line=$(grep "Stats:" "$WORK/nfv.err" | tail -1)
  echo "  before: ${start_line#*Stats: }"
  echo "  after:  ${end_line#*Stats: }"
  echo "  peak RSS (VmHWM): $(grep VmHWM /proc/$NFV_PID/status | awk '{print $2, $3}')"
fi
