#!/usr/bin/env bash
# Every end-to-end figure in one sitting, side by side, as Markdown tables: each path of bench/throughput.sh (the switch,
# the router, the NAT, the home-router chain, VXLAN) against its kernel twin, the bare TAP copy loop and, for switch
# and chain, Open vSwitch's userspace datapath; switch and chain again with two dataplane workers (the switch also with a TAP queue per worker); then bench/dhcp.sh
# (nfv against Kea and dnsmasq under perfdhcp).
# Absolute rates move between sittings; the ratios within one are the figures to read (bench/README.md).
#
#   usage: bench/all.sh [--reps N] [--duration S] [--out FILE]      (as root; about 35 minutes with the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=3
DURATION=3
OUT="bench/results-$(date -u +%Y-%m-%d).md"
while (($#)); do
  case "$1" in
    --reps) REPS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench/all.sh needs root (namespaces, TAPs, bridges)" >&2; exit 1; }

{
  echo "# End-to-end figures, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "$(nproc) cores, Linux $(uname -r); medians of $REPS interleaved runs of ${DURATION} s. kernel / loop / ovs / **nfv**:"
  echo "the kernel doing the same job, the bare TAP copy loop, Open vSwitch userspace (where it applies), nfv."
  echo
  echo "| path (kernel twin) | TCP Gbit/s | nfv / kernel | nfv / loop | nfv / ovs | 64-byte k frames/s | nfv / kernel | nfv / loop | nfv / ovs | CPU a frame nfv / loop | lone ping µs kernel / nfv | nfv / kernel |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} >"$OUT"
for function in switch router nat chain vxlan; do
  echo "== $function" >&2
  bench/throughput.sh --function "$function" --reps "$REPS" --duration "$DURATION" --table "$OUT" >&2
done
# The same switch and chain with two dataplane workers (Nfv:Workers), the ports spread over them, and the switch with a
# TAP queue per worker (Nfv:MultiQueueTaps), where it runs an instance per worker; then 8 flows at once through the
# switch with one worker and with an instance per worker, the case that instance spreads (issue 17, proof 4), and the
# chain likewise.
for function in switch chain; do
  echo "== $function, 2 workers" >&2
  bench/throughput.sh --function "$function" --reps "$REPS" --duration "$DURATION" --no-ovs --nfv-arg --Nfv:Workers=2 --table "$OUT" >&2
done
echo "== switch, 2 workers, a TAP queue each" >&2
bench/throughput.sh --function switch --reps "$REPS" --duration "$DURATION" --no-ovs --nfv-arg --Nfv:Workers=2 \
  --nfv-arg --Nfv:MultiQueueTaps=true --table "$OUT" >&2
echo "== switch, 8 flows, 1 worker, then 2 workers with a TAP queue each" >&2
bench/throughput.sh --function switch --reps "$REPS" --duration "$DURATION" --no-ovs --streams 8 --table "$OUT" >&2
bench/throughput.sh --function switch --reps "$REPS" --duration "$DURATION" --no-ovs --streams 8 --nfv-arg --Nfv:Workers=2 \
  --nfv-arg --Nfv:MultiQueueTaps=true --table "$OUT" >&2
# The chain the same way, against Open vSwitch too (the switch, router and NAT each run an instance per worker).
echo "== chain, 8 flows, 1 worker, then 2 workers with a TAP queue each" >&2
bench/throughput.sh --function chain --reps "$REPS" --duration "$DURATION" --streams 8 --table "$OUT" >&2
bench/throughput.sh --function chain --reps "$REPS" --duration "$DURATION" --streams 8 --nfv-arg --Nfv:Workers=2 \
  --nfv-arg --Nfv:MultiQueueTaps=true --table "$OUT" >&2
{
  echo
  echo "DHCP 4-way exchanges a second, perfdhcp as a relay, 60,000 clients (the share of DISCOVERs that got no ACK):"
  echo
} >>"$OUT"
echo "== dhcp" >&2
bench/dhcp.sh --rates "2000 4000 8000 12000 16000" --reps "$REPS" --duration 5 --table "$OUT" >&2
cat "$OUT"
