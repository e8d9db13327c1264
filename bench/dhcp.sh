#!/usr/bin/env bash
# DHCP leases per second: perfdhcp (kea-admin) against nfv's DHCP function, Kea (kea-dhcp4, memfile) and
# dnsmasq, one after another in the same run, on the same machine.
#
# perfdhcp acts as a relay (giaddr = its own address, unicast to the server's port 67), so what it measures
# is the server's relayed path: DISCOVER -> OFFER -> REQUEST -> ACK, 4-way exchanges per second.
#   - nfv:     a lab host namespace (10.98.0.2/16) on a TAP linked to `kind: dhcp` (10.98.0.1/16), leases
#              journaled with fdatasync before each batch's ACKs leave (Nfv:StateDirectory in a temp dir)
#   - Kea:     kea-dhcp4 in a namespace on a veth pair, memfile lease file, persist true (written, not fsynced)
#   - dnsmasq: the same veth setup, lease file in a temp dir (rewritten on every change)
# Each server gets the same pool (10.98.1.0-10.98.255.254, 65k addresses, 1 h leases) and each rate runs
# DURATION seconds with 60000 simulated clients (-R), REPS times, interleaved. Prints the median achieved
# exchanges/s and drop ratio per server and rate.
#
#   usage: bench/dhcp.sh [--rates "1000 2000 4000"] [--duration S] [--reps N] [--table FILE]   (as root)
# --table FILE appends the medians to FILE as a Markdown table (bench/all.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

RATES="500 1000 2000 4000"
DURATION=5
REPS=3
TABLE=""
while (($#)); do
  case "$1" in
    --rates) RATES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --table) TABLE=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench/dhcp.sh needs root (namespaces, TAPs)" >&2; exit 1; }
if ! command -v perfdhcp >/dev/null || ! command -v kea-dhcp4 >/dev/null || ! command -v dnsmasq >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    kea-admin kea-dhcp4-server dnsmasq-base >/dev/null
fi

P="nd$(head -c2 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WORK=$(mktemp -d)
NFV_PID=""
SERVER_PID=""
# Background jobs of a script ignore SIGINT: stop them with SIGTERM.
cleanup() {
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$NFV_PID" ] && kill -TERM "$NFV_PID" 2>/dev/null && wait "$NFV_PID" 2>/dev/null || true
  for ns in "$P-c" "$P-s" "$P-n"; do
    if [ -e "/run/netns/$ns" ]; then
      for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns delete "$ns" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building nfv (Release)..."
dotnet build src/Nfv.Host -c Release -v q -nologo >/dev/null
NFV=src/Nfv.Host/bin/Release/net10.0/nfv.dll

# --- Kernel-side servers: client ns <veth> server ns.
ip netns add "$P-c"; ip netns add "$P-s"
ip link add "$P-c" type veth peer name "$P-s"
ip link set "$P-c" netns "$P-c"; ip link set "$P-s" netns "$P-s"
for side in c s; do
  ip -n "$P-$side" link set lo up
  ip -n "$P-$side" link set "$P-$side" name eth0
  ip -n "$P-$side" link set eth0 up
done
ip -n "$P-c" addr add 10.98.0.2/16 dev eth0
ip -n "$P-s" addr add 10.98.0.1/16 dev eth0

cat >"$WORK/kea.json" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "eth0" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/kea-leases.csv", "lfc-interval": 0 },
    "valid-lifetime": 3600,
    "subnet4": [ { "id": 1, "subnet": "10.98.0.0/16", "pools": [ { "pool": "10.98.1.0 - 10.98.255.254" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "$WORK/kea.log" } ], "severity": "WARN" } ]
} }
JSON

start_kea() {
  rm -f "$WORK/kea-leases.csv"*
  KEA_PIDFILE_DIR=$WORK KEA_LOCKFILE_DIR=$WORK ip netns exec "$P-s" kea-dhcp4 -c "$WORK/kea.json" >"$WORK/kea.out" 2>&1 &
  SERVER_PID=$!
  sleep 1
}

start_dnsmasq() {
  rm -f "$WORK/dnsmasq.leases"
  ip netns exec "$P-s" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=eth0 --bind-interfaces \
    --dhcp-authoritative --no-ping --dhcp-range=10.98.1.0,10.98.255.254,255.255.0.0,1h --dhcp-lease-max=70000 \
    --dhcp-leasefile="$WORK/dnsmasq.leases" --pid-file="$WORK/dnsmasq.pid" >"$WORK/dnsmasq.out" 2>&1 &
  SERVER_PID=$!
  sleep 1
}

stop_server() {
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

start_nfv() {
  rm -rf "$WORK/state"
  cat >"$WORK/bench.yaml" <<YAML
name: bench-dhcp
functions:
  dhcp: { kind: dhcp, address: 10.98.0.1/16, pool: 10.98.1.0-10.98.255.254, lease: 1h, rate-limit: 0, clients-per-source: 0 }
ports:
  c: { tap: $P-n }
links: [ [c, dhcp] ]
hosts:
  $P-n: { port: c, address: 10.98.0.2/16 }
YAML
  dotnet "$NFV" run "$WORK/bench.yaml" --Nfv:StateDirectory="$WORK/state" --Nfv:Management:Address=127.0.0.1:0 \
    >"$WORK/nfv.out" 2>"$WORK/nfv.err" &
  NFV_PID=$!
  for _ in $(seq 1 100); do grep -q "is up" "$WORK/nfv.out" 2>/dev/null && break; sleep 0.2; done
  grep -q "is up" "$WORK/nfv.out" || { echo "nfv did not come up:"; cat "$WORK/nfv.err"; exit 1; }
}

stop_nfv() {
  [ -n "$NFV_PID" ] && kill -TERM "$NFV_PID" 2>/dev/null && wait "$NFV_PID" 2>/dev/null || true
  NFV_PID=""
}

# perfdhcp in NS at RATE -> "exchanges/s drop%"
perf() {
  local out
  out=$(ip netns exec "$1" timeout $((DURATION + 20)) perfdhcp -4 -l 10.98.0.2 -r "$2" -R 60000 -p "$DURATION" 10.98.0.1 2>&1 || true)
  local rate sent received
  rate=$(awk '/Rate:/ { print $2; exit }' <<<"$out")
  sent=$(awk '/Statistics for: DISCOVER-OFFER/ { f = 1 } f && /sent packets:/ { print $3; exit }' <<<"$out")
  received=$(awk '/Statistics for: REQUEST-ACK/ { f = 1 } f && /received packets:/ { print $3; exit }' <<<"$out")
  awk -v r="${rate:-0}" -v s="${sent:-0}" -v a="${received:-0}" 'BEGIN { printf "%.0f %.1f\n", r, (s > 0 ? 100 * (1 - a / s) : 100) }'
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for rep in $(seq 1 "$REPS"); do
  for rate in $RATES; do
    start_nfv;     echo "$rate $(perf "$P-n" "$rate")" >>"$WORK/nfv.$rate";     stop_nfv
    start_kea;     echo "$rate $(perf "$P-c" "$rate")" >>"$WORK/kea.$rate";     stop_server
    start_dnsmasq; echo "$rate $(perf "$P-c" "$rate")" >>"$WORK/dnsmasq.$rate"; stop_server
    echo "rep $rep rate $rate: nfv $(tail -1 "$WORK/nfv.$rate" | cut -d' ' -f2-)  kea $(tail -1 "$WORK/kea.$rate" | cut -d' ' -f2-)" \
         " dnsmasq $(tail -1 "$WORK/dnsmasq.$rate" | cut -d' ' -f2-)   (exchanges/s, % of DISCOVERs without an ACK)"
  done
done

echo
echo "DHCP 4-way exchanges per second (perfdhcp, relayed, ${DURATION}s per run, median of $REPS; $(nproc) cores, $(uname -r)):"
printf "  %-8s %18s %18s %18s %10s\n" "offered" "nfv (drop%)" "kea (drop%)" "dnsmasq (drop%)" "nfv/kea"
[ -z "$TABLE" ] || { echo "| offered / s | nfv (no ACK) | Kea (no ACK) | dnsmasq (no ACK) | nfv / Kea |"; echo "| ---: | ---: | ---: | ---: | ---: |"; } >>"$TABLE"
for rate in $RATES; do
  n=$(cut -d' ' -f2 "$WORK/nfv.$rate" | median); nd=$(cut -d' ' -f3 "$WORK/nfv.$rate" | median)
  k=$(cut -d' ' -f2 "$WORK/kea.$rate" | median); kd=$(cut -d' ' -f3 "$WORK/kea.$rate" | median)
  d=$(cut -d' ' -f2 "$WORK/dnsmasq.$rate" | median); dd=$(cut -d' ' -f3 "$WORK/dnsmasq.$rate" | median)
  awk -v r="$rate" -v n="$n" -v nd="$nd" -v k="$k" -v kd="$kd" -v d="$d" -v dd="$dd" \
    'BEGIN { printf "  %-8s %10.0f (%4.1f) %10.0f (%4.1f) %10.0f (%4.1f) %10.2f\n", r, n, nd, k, kd, d, dd, (k > 0 ? n / k : 0) }'
  [ -z "$TABLE" ] || awk -v r="$rate" -v n="$n" -v nd="$nd" -v k="$k" -v kd="$kd" -v d="$d" -v dd="$dd" \
    'BEGIN { printf "| %s | %.0f (%.1f%%) | %.0f (%.1f%%) | %.0f (%.1f%%) | **%.2f** |\n", r, n, nd, k, kd, d, dd, (k > 0 ? n / k : 0) }' >>"$TABLE"
done
