#!/usr/bin/env bash
# Soak: the shipped home-router lab (topologies/home-router.yaml, with names of this run) under mixed traffic for a
# given time, sampled every minute; fails when memory or descriptors grow.
#
# Traffic, all bounded by the run's length:
#   - iperf3 TCP from h1 to the internet host, 200 Mbit/s, through the NAT
#   - iperf3 UDP from h2 to the internet host, 20 Mbit/s, 1200-byte datagrams
#   - NAT session churn: h1 sends a UDP datagram to a new remote port every 100 ms (a new session each; they expire
#     after the 5-minute UDP timeout, so about 3,000 live at once, under the 4,096 a host may hold)
#   - DHCP churn: h2 is restarted every 20 s (nfv restart-host: new TAP, its DHCP client asks again)
#   - a ping from h1 to the internet host every 200 ms
# Every minute it prints nfv's resident memory, managed heap, descriptors, threads, GC counts (gen 0/1/2, from
# /metrics), the NAT's sessions, the DHCP leases and the frames dropped. The management endpoints it samples are
# warmed with 200 requests each at the start, and the first 10 minutes are warm-up (the NAT's table fills for its
# 5-minute UDP timeout, the runtime settles); from minute 10 to the end resident memory must stay within 5% and
# descriptors must not grow (exit 1 otherwise). Runs shorter than 12 minutes only print.
#
#   usage: bench/soak.sh [--minutes N]                                                  (as root)
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES=30
while (($#)); do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench/soak.sh needs root (namespaces, TAPs)" >&2; exit 1; }
for p in iperf3 curl; do
  command -v "$p" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done

P="sk$(printf '%04x' $((RANDOM % 65536)))"
WORK=$(mktemp -d)
H1="$P-h1"; H2="$P-h2"; NET="$P-inet"
NFV_PID=""
JOBS=()
# nfv runs as a background job, and background jobs of a script ignore SIGINT: stop it with SIGTERM.
cleanup() {
  for pid in "${JOBS[@]}"; do kill "$pid" 2>/dev/null || true; done
  # The iperf3 servers run as daemons inside the internet host: end them while its namespace still has its name
  # (nfv deletes it at stop; the processes would live on in a namespace nobody can name).
  for ns in "$H1" "$H2" "$NET"; do
    if [ -e "/run/netns/$ns" ]; then
      for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
    fi
  done
  [ -n "$NFV_PID" ] && kill -TERM "$NFV_PID" 2>/dev/null && wait "$NFV_PID" 2>/dev/null || true
  for ns in "$H1" "$H2" "$NET"; do
    [ -e "/run/netns/$ns" ] && ip netns delete "$ns" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building nfv (Release)..."
dotnet build src/Nfv.Host -c Release -v q -nologo >/dev/null
NFV=src/Nfv.Host/bin/Release/net10.0/nfv.dll

sed -e "s/^  h1:       {/  $H1: {/" -e "s/^  h2:       {/  $H2: {/" -e "s/^  internet: {/  $NET: {/" \
    -e "s/nfv-home-lan1/$P-l1/" -e "s/nfv-home-lan2/$P-l2/" -e "s/nfv-home-wan/$P-w/" \
    topologies/home-router.yaml >"$WORK/home-router.yaml"
dotnet "$NFV" run "$WORK/home-router.yaml" --Nfv:Management:Address=127.0.0.1:0 --Nfv:StateDirectory="$WORK/state" \
  >"$WORK/nfv.out" 2>"$WORK/nfv.err" &
NFV_PID=$!
for _ in $(seq 1 150); do grep -q "is up" "$WORK/nfv.out" 2>/dev/null && break; sleep 0.2; done
grep -q "is up" "$WORK/nfv.out" || { echo "nfv did not come up:"; cat "$WORK/nfv.err"; exit 1; }
API=$(grep -o 'management: http://[0-9.:]*' "$WORK/nfv.out" | cut -d' ' -f2)
SECONDS_TOTAL=$((MINUTES * 60))

ip netns exec "$NET" iperf3 -s -D -p 5201 --logfile "$WORK/iperf-tcp.log"
ip netns exec "$NET" iperf3 -s -D -p 5202 --logfile "$WORK/iperf-udp.log"
sleep 1
ip netns exec "$H1" iperf3 -c 203.0.113.1 -p 5201 -b 200M -t "$SECONDS_TOTAL" >"$WORK/tcp.out" 2>&1 & JOBS+=($!)
ip netns exec "$H2" iperf3 -c 203.0.113.1 -p 5202 -u -b 20M -l 1200 -t "$SECONDS_TOTAL" >"$WORK/udp.out" 2>&1 & JOBS+=($!)
ip netns exec "$H1" ping -i 0.2 -w "$SECONDS_TOTAL" -q 203.0.113.1 >"$WORK/ping.out" 2>&1 & JOBS+=($!)
ip netns exec "$H1" bash -c "end=\$((SECONDS + $SECONDS_TOTAL)); p=10000
  while [ \$SECONDS -lt \$end ]; do echo x > /dev/udp/203.0.113.1/\$p 2>/dev/null; p=\$(( p % 50000 + 10001 )); sleep 0.1; done" & JOBS+=($!)
( end=$((SECONDS + SECONDS_TOTAL))
  while [ $SECONDS -lt "$end" ]; do sleep 20; dotnet "$NFV" restart-host "$H2" --address "${API#http://}" >/dev/null 2>&1 || true; done ) & JOBS+=($!)

# Warm the management endpoints the samples read: the runtime's memory grows with the first few hundred requests
# (their code is compiled and tiered up, the GC heap grows to its budget), then stays flat (bench/README.md, "Soak").
# Done now, that warm-up is over before the verdict's window opens at minute 10, and growth after it is a leak.
for _ in $(seq 1 200); do
  curl -s "$API/metrics" >/dev/null; curl -s "$API/api/tables" >/dev/null; curl -s "$API/api/functions" >/dev/null
done

metric() { curl -s "$API/metrics" | awk -v m="$1" '$1 ~ "^"m { s += $2 } END { printf "%d", s }'; }
table() { curl -s "$API/api/tables" | tr '{' '\n' | grep "\"table\":\"$1\"" | grep -o '"entries":[0-9]*' | cut -d: -f2 | head -1; }

printf '%-6s %7s %8s %5s %7s %12s %6s %6s %8s\n' minute rss_mb heap_mb fds threads gc0/gc1/gc2 nat leases dropped
first_rss=""; first_fds=""; last_rss=0; last_fds=0
for minute in $(seq 1 "$MINUTES"); do
  sleep 60
  kill -0 "$NFV_PID" 2>/dev/null || { echo "nfv exited:"; tail -20 "$WORK/nfv.err"; exit 1; }
  rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$NFV_PID/status")
  fds=$(ls "/proc/$NFV_PID/fd" | wc -l)
  threads=$(ls "/proc/$NFV_PID/task" | wc -l)
  gcs=$(curl -s "$API/metrics" | awk '/^dotnet_collection_count_total/ { split($1, a, "\""); g[a[2]] = $2 } END { printf "%d/%d/%d", g[0], g[1], g[2] }')
  dropped=$(( $(metric nfv_function_dropped_packets_total) + $(metric nfv_port_dropped_packets_total) ))
  heap=$(( $(metric dotnet_total_memory_bytes) / 1048576 ))
  printf '%-6s %7s %8s %5s %7s %12s %6s %6s %8s\n' "$minute" "$rss" "$heap" "$fds" "$threads" "$gcs" "$(table nat)" "$(table leases)" "$dropped"
  if [ "$minute" -eq 10 ]; then first_rss=$rss; first_fds=$fds; fi
  last_rss=$rss; last_fds=$fds
done

loss=$(grep -o '[0-9.]*% packet loss' "$WORK/ping.out" || echo "? packet loss")
echo "ping h1 -> internet: $loss; iperf3 TCP: $(grep -o '[0-9.]* [MG]bits/sec.*receiver' "$WORK/tcp.out" | head -1)"
[ "$MINUTES" -ge 12 ] || { echo "shorter than 12 minutes: no verdict"; exit 0; }
echo "from minute 10 to $MINUTES: rss ${first_rss} -> ${last_rss} MB, descriptors ${first_fds} -> ${last_fds}"
if [ "$last_rss" -gt $((first_rss * 105 / 100)) ] || [ "$last_fds" -gt "$first_fds" ]; then
  echo "FAIL: memory or descriptors grew"
  exit 1
fi
echo "ok: memory and descriptors flat"
