#!/usr/bin/env bash
# mkinitrd.sh OUT BUSYBOX DESTS INIT [SRC ...]
# Builds the guest's gzip'd newc initramfs: busybox, /init, and the i-th
# SRC copied to the i-th comma-separated path of DESTS inside the image.  No device nodes are needed (the
# guest's /init mounts devtmpfs first), so this runs without root.
set -euo pipefail
out=$1 busybox=$2 dests=$3 init=$4
shift 4
IFS=, read -r -a dest_list <<< "$dests"
if [ ${#dest_list[@]} != $# ]; then
    echo "mkinitrd.sh: ${#dest_list[@]} destinations for $# files" >&2
    exit 1
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc/sv,proc,sys,dev,tmp,root,usr/bin}
# mktemp made / 0700: the guest's other users (the access tests) need to reach /bin.
chmod 755 "$root"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$init" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
i=0
for src in "$@"; do
    dest=${dest_list[$i]}
    i=$((i + 1))
    mkdir -p "$root/$(dirname "$dest")"
    cp "$src" "$root/$dest"
done
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
