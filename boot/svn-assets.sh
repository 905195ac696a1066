#!/bin/sh
# svn-assets.sh VMMSIGN KEY VMM_ELF RV RV3 OUTDIR
# The boot suite's revocation lists and measurement references
# (boot/guest/svn-test.sh), made with vmmsign and signed with KEY, the
# build's signing key:
#   rl1        version 1, empty                     (older than rl2: refused)
#   rl2        version 2, revokes RV's digest
#   rl3        version 3, revokes RV and RV3, one byte changed after signing
#   rl-unsorted version 5, two digests in descending order, signed
#   rl4        version 4, revokes KEY itself, signed with KEY (refused: a
#              list may not revoke its own signer)
#   rl5        version 2^32 + 3, empty (refused: more than 2^32 above rl2)
#   image-digest, keyset: what the VMM's first two events must hold
set -eu
vmmsign=$1 key=$2 elf=$3 rv=$4 rv3=$5 out=$6
mkdir -p "$out"
"$vmmsign" revlist "$out/rl1" 1 > /dev/null
"$vmmsign" revlist "$out/rl2" 2 "binary=$rv" > /dev/null
"$vmmsign" revlist "$out/rl3" 3 "binary=$rv" "binary=$rv3" > /dev/null
keyid=$("$vmmsign" keyid "$key" | cut -d' ' -f1)
"$vmmsign" revlist "$out/rl4" 4 "keyid=$keyid" > /dev/null
"$vmmsign" revlist "$out/rl-sorted" 5 "binary=$rv" "binary=$rv3" > /dev/null
{ head -c 24 "$out/rl-sorted"; tail -c 32 "$out/rl-sorted"; head -c 56 "$out/rl-sorted" | tail -c 32; } \
    > "$out/rl-unsorted"
rm "$out/rl-sorted"
"$vmmsign" revlist "$out/rl5" 4294967299 > /dev/null
for l in rl1 rl2 rl3 rl4 rl5 rl-unsorted; do
    "$vmmsign" "$out/$l" "$key" "$out/$l.sig"
done
# rl3: flip one bit of its second digest, after signing.
b=$(od -An -tu1 -j 60 -N 1 "$out/rl3" | tr -d ' ')
printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$out/rl3" bs=1 seek=60 conv=notrunc 2>/dev/null
"$vmmsign" image-digest "$elf" > "$out/image-digest"
"$vmmsign" keyset "$keyid" > "$out/keyset"
