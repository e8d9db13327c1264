#!/bin/bash
# Big labs, issue 20: brings up one switch with N namespace hosts (static addresses, written with ranges) in nfv and,
# in the same sitting, with a plain shell loop of six ip commands per host (netns, veth, bridge, address, links up), and
# prints a Markdown table: time until "is up", the first host pinging the last, RSS, idle CPU over 10 s (IDLE_AFTER
# seconds after up, default 30), time to remove, and what was left behind.
#
#   sudo bench/lab-scale.sh [N ...]        (default: 10 200 1000)
#
# Everything it makes is named nfvs-* / ls-*; it removes it all, even when interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-10 200 1000}")
read -r -a SIZES <<< "${SIZES[*]}"
IDLE_AFTER=${IDLE_AFTER:-30}
WORK=$(mktemp -d /tmp/nfv-lab-scale.XXXXXX)
NFV=(dotnet src/Nfv.Host/bin/Release/net10.0/nfv.dll)
NFV_PID=

cleanup() {
    [ -n "$NFV_PID" ] && kill -TERM "$NFV_PID" 2>/dev/null && wait "$NFV_PID" 2>/dev/null || true
    ip -all netns list 2>/dev/null | awk '{print $1}' | grep -E '^(ls|nfvs)-' | sed 's/^/netns delete /' | ip -force -batch - 2>/dev/null || true
    ip link del ls-br 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc | xargs printf '%.2f'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
leftovers() { echo "$(ip netns list | grep -cE '^(ls|nfvs)-' || true) namespaces, $(ip -o link | grep -cE ': (ls|nfvs)-' || true) links"; }
last_address() { local n=$(( $1 + 9 )); echo "10.40.$(( n / 256 )).$(( n % 256 ))"; }

dotnet build -c Release src/Nfv.Host >/dev/null

echo "| N hosts | who | up | first pings last | RSS | idle CPU (10 s, ${IDLE_AFTER} s after up) | remove | left after |"
echo "| ---: | --- | ---: | --- | ---: | ---: | ---: | --- |"
for n in "${SIZES[@]}"; do
    # nfv: the topology written once, with ranges.
    cat > "$WORK/lab.yaml" <<EOF
name: lab-scale
functions:
  lan: { kind: switch }
ports:
  "p[1-$n]": { tap: "nfvs-t[1-$n]" }
links:
  - ["p[1-$n]", lan]
hosts:
  "nfvs-[1-$n]": { port: "p[1-$n]", address: "[10.40.0.10-$(last_address "$n")]/16" }
EOF
    start=$(now)
    "${NFV[@]}" run "$WORK/lab.yaml" --Nfv:StateDirectory="$WORK/state" > "$WORK/out" 2> "$WORK/err" &
    NFV_PID=$!
    until grep -q "is up" "$WORK/out"; do
        kill -0 "$NFV_PID" 2>/dev/null || { cat "$WORK/err"; exit 1; }
        sleep 0.02
    done
    up=$(since "$start")
    rss=$(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$NFV_PID/status")
    ping=$(ip netns exec nfvs-1 ping -c 1 -W 2 "$(last_address "$n")" >/dev/null && echo yes || echo NO)
    sleep "$IDLE_AFTER"
    before=$(cpu_ticks "$NFV_PID"); sleep 10; after=$(cpu_ticks "$NFV_PID")
    idle=$(echo "($after - $before) / $(getconf CLK_TCK) / 10 * 100" | bc -l | xargs printf '%.1f%%')
    start=$(now); kill -TERM "$NFV_PID"; wait "$NFV_PID" || true; NFV_PID=
    down=$(since "$start")
    echo "| $n | nfv | $up s | $ping | $rss | $idle | $down s | $(leftovers) |"

    # The plain script a user would write instead: per host netns, veth (its peer made inside as eth0), bridge port,
    # address, links up.
    ip link add ls-br type bridge && ip link set ls-br up
    start=$(now)
    for i in $(seq 1 "$n"); do
        a=$(( i + 9 ))
        ip netns add "ls-$i"
        ip link add "ls-v$i" type veth peer name eth0 netns "ls-$i"
        ip link set "ls-v$i" master ls-br up
        ip -n "ls-$i" addr add "10.41.$(( a / 256 )).$(( a % 256 ))/16" dev eth0
        ip -n "ls-$i" link set eth0 up
        ip -n "ls-$i" link set lo up
    done
    up=$(since "$start")
    ping=$(ip netns exec ls-1 ping -c 1 -W 3 "10.41.$(( (n + 9) / 256 )).$(( (n + 9) % 256 ))" >/dev/null && echo yes || echo NO)
    start=$(now)
    for i in $(seq 1 "$n"); do ip netns delete "ls-$i"; done
    ip link del ls-br
    down=$(since "$start")
    echo "| $n | shell loop of ip | $up s | $ping | | | $down s | $(leftovers) |"
done
