#!/usr/bin/env bash
# Runs every Nfv test: unit tests, graph tests and (as root) the namespace integration tests
# against real Linux peers. Installs the Debian packages those peers come from when missing.
#   usage: sudo tests/run-all.sh [extra dotnet test arguments, e.g. --filter Category!=Privileged]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(iproute2 iputils-ping iperf3 libpcap0.8 tcpdump traceroute iputils-tracepath isc-dhcp-client udhcpc dhcpcd-base dnsmasq-base
  curl python3 stun-client stun-server coturn netsniff-ng hping3 tshark kea-admin ethtool podman debootstrap qemu-system-x86 cpio chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing test peers: ${missing[*]}"
    # The package registry can be briefly unreachable: three tries, then one package at a time, so a peer that still
    # cannot be installed only skips its own tests (they say which program they need).
    installed=false
    for attempt in 1 2 3; do
      if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        installed=true
        break
      fi
      echo "warning: installing test peers failed (try $attempt of 3); retrying" >&2
      sleep $((attempt * 10))
    done
    if ! $installed; then
      for p in "${missing[@]}"; do
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 \
          || echo "warning: could not install $p; the tests that need it are skipped or fail saying so" >&2
      done
    fi
  else
    echo "warning: ${missing[*]} missing; run as root to install them (namespace tests are skipped without root anyway)" >&2
  fi
fi

# The ready VM image the VM host tests boot: Debian's kernel and busybox, downloaded and unpacked (never installed) by
# deploy/vm/build-image.sh; made again when the script or the image's init changed since it was built.
vm_image=/var/lib/nfv/vm-image
if [ "$(id -u)" -eq 0 ] && command -v qemu-system-x86_64 >/dev/null; then
  source_hash=$(cat deploy/vm/build-image.sh deploy/vm/init deploy/vm/udhcpc.script | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$vm_image/source" 2>/dev/null)" != "$source_hash" ]; then
    echo "Building the VM image in $vm_image"
    deploy/vm/build-image.sh "$vm_image" >/dev/null || echo "warning: could not build the VM image; the VM host tests are skipped, saying why" >&2
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Nfv.sln -c Release "$@" 2>&1 | tee "$log" || status=$?

# One closing line over every test assembly: "N passed, N failed, N skipped".
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(/,/, ""); for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
