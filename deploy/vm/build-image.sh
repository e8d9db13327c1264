#!/usr/bin/env bash
# Builds the ready image nfv boots for a VM lab host when its `vm:` names no kernel of its own: Debian's kernel
# (linux-image-amd64) and a busybox initramfs (busybox-static), both downloaded and unpacked, never installed, whose init loads the virtio NIC's
# modules, takes the address nfv passes on the kernel command line (a static one, or a DHCP lease by udhcpc), runs the
# host's `exec:` commands and keeps the guest up. Everything comes from Debian's registry; nothing else is downloaded.
#   usage: sudo deploy/vm/build-image.sh [DIRECTORY]      (default /var/lib/nfv/vm-image; writes vmlinuz and initrd.gz)
set -euo pipefail
out=${1:-/var/lib/nfv/vm-image}
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v cpio >/dev/null; then
  for attempt in 1 2 3; do
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cpio >/dev/null && break
    [ "$attempt" = 3 ] && { echo "error: could not install cpio" >&2; exit 1; }
    sleep $((attempt * 10))
  done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
download() { # PACKAGE FOLDER: fetches the package's .deb (three tries) and unpacks it into FOLDER
  for attempt in 1 2 3; do
    apt-get download "$1" >/dev/null 2>&1 && break
    [ "$attempt" = 3 ] && { echo "error: could not download $1" >&2; exit 1; }
    sleep $((attempt * 10))
  done
  dpkg-deb -x ./"$1"_*.deb "$2"
}
kernel_package=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ { print $2; exit }')
[ -n "$kernel_package" ] || { echo "error: apt knows no linux-image-amd64 (run apt-get update)" >&2; exit 1; }
download "$kernel_package" kernel
download busybox-static busybox
version=${kernel_package#linux-image-}
modules=kernel/lib/modules/$version/kernel

mkdir -p root/bin root/lib/modules root/proc root/sys root/dev root/etc root/tmp root/run
cp busybox/bin/busybox root/bin/busybox
# The virtio NIC's modules in the order their dependencies need them (modules.dep is made on install, not shipped).
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev \
         drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/core/failover drivers/net/net_failover \
         drivers/net/virtio_net; do
  cp "$modules/$m.ko" root/lib/modules/
done
cp "$here/init" root/init
cp "$here/udhcpc.script" root/etc/udhcpc.script
chmod 755 root/init root/etc/udhcpc.script

mkdir -p "$out"
(cd root && find . | cpio --quiet -o -H newc | gzip -9) > "$out/initrd.gz.new"
cp "kernel/boot/vmlinuz-$version" "$out/vmlinuz.new"
mv "$out/initrd.gz.new" "$out/initrd.gz"
mv "$out/vmlinuz.new" "$out/vmlinuz"
echo "$version" > "$out/version"
# What the image was built from, so a caller can tell a stale image (tests/run-all.sh rebuilds one that differs).
cat "$here/build-image.sh" "$here/init" "$here/udhcpc.script" | sha256sum | cut -d' ' -f1 > "$out/source"
echo "VM image: $out/vmlinuz and $out/initrd.gz (kernel $version)"
