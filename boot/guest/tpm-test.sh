# The guest's side of the tpm suite (test/tpm): after the VMM read the
# TPM at boot and released it, the guest's own driver must bind and work.
# Prints facts the host checks exactly: which driver bound, and whether a
# raw TPM2_GetRandom(16) through /dev/tpm0 came back whole.
mode=$1
drv=none
if [ -e /sys/class/tpm/tpm0/device/driver ]; then
    drv=$(basename "$(readlink /sys/class/tpm/tpm0/device/driver)")
fi
echo "SVTEST tpm-driver $drv"
echo "SVTEST tpm-version $(cat /sys/class/tpm/tpm0/tpm_version_major 2>/dev/null || echo none)"
if [ -c /dev/tpm0 ]; then
    # TPM2_GetRandom(16): tag 8001, size 12, command 0x17b, 16 bytes.
    exec 3<>/dev/tpm0
    printf '\200\001\000\000\000\014\000\000\001\173\000\020' >&3
    got=$(dd bs=64 count=1 <&3 2>/dev/null | od -An -tx1 | tr -d '\n' | cut -c1-36)
    exec 3<&-
    # Tag 8001, size 28, rc 0, 16 bytes follow.
    if [ "$got" = " 80 01 00 00 00 1c 00 00 00 00 00 10" ]; then
        echo "SVTEST PASS tpm-guest-getrandom"
    else
        echo "SVTEST FAIL tpm-guest-getrandom: '$got'"
    fi
fi
if [ "$mode" = tpm-required ]; then
    vmmload hello hello.sig; echo "SVTEST vmmload status $?"
fi
echo "SVTEST TPM DONE"
