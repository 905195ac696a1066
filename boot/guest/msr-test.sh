# The MSR allow-list seen from the guest kernel (issue 19; guest-utils/svcpu):
# MSRs the VMM keeps get #GP or its documented emulated value
# (docs/cpu-state.md), and the VMM goes on.  Run by test.sh when svcpu.ko
# is there; prints SVTEST PASS/FAIL lines, exits 1 on a failure.
fail=0
pass() { echo "SVTEST PASS $1"; }
failed() { echo "SVTEST FAIL $1: $2"; fail=1; }

# expect NAME WANTED svcpu ARGS...: the exact line svcpu prints.
expect() {
    name=$1 want=$2
    shift 2
    out=$(svcpu "$@" 2>&1)
    [ "$out" = "$want" ] && pass "$name" || failed "$name" "svcpu $*: '$out', not '$want'"
}
# gp NAME rdmsr|wrmsr CPU MSR [VALUE]: that access is #GP.
gp() {
    name=$1
    shift
    op=$1 cpu=$2 msr=$3
    if [ "$op" = rdmsr ]; then
        want="rdmsr $msr: #GP"
    else
        want="wrmsr $msr $4: #GP"
    fi
    out=$(svcpu "$@" 2>&1)
    [ "$out" = "$want" ] || { failed "$name" "svcpu $*: '$out', not '$want'"; return 1; }
}
val() { svcpu rdmsr "$1" "$2" 2>&1 | sed -n 's/^rdmsr [^:]*: ok //p'; }

vendor=$(sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo | head -n1)
last=$(($(nproc) - 1))

# Tracing, branch records and counters: intercepted and #GP on every CPU,
# whatever the emulator would have answered (QEMU's TCG reads 0 for them).
ok=1
for c in 0 $last; do
    gp msr-rtit-ctl-gp rdmsr $c 0x570 && gp msr-rtit-ctl-gp wrmsr $c 0x570 0x1 || ok=0
done
[ $ok = 1 ] && pass msr-rtit-ctl-gp
gp msr-rtit-output-base-gp wrmsr 0 0x560 0x1000 && pass msr-rtit-output-base-gp
gp msr-perf-global-ctrl-gp rdmsr 0 0x38f && gp msr-perf-global-ctrl-gp wrmsr 0 0x38f 0x1 &&
    pass msr-perf-global-ctrl-gp
gp msr-ds-area-gp wrmsr 0 0x600 0x1000 && gp msr-ds-area-gp wrmsr 0 0x3f1 0x1 && pass msr-ds-area-gp
gp msr-arch-lbr-ctl-gp wrmsr 0 0x14ce 0x1 && pass msr-arch-lbr-ctl-gp
gp msr-amd-perf-ctl-gp wrmsr 0 0xc0010000 0x430076 && gp msr-amd-perf-ctl-gp rdmsr 0 0xc0010201 &&
    pass msr-amd-perf-ctl-gp
gp msr-ibs-gp rdmsr 0 0xc0011030 && gp msr-ibs-gp wrmsr 0 0xc0011033 0x1 && pass msr-ibs-gp

# MTRRs: a shadow of the firmware's, per CPU; writes never reach the CPU.
# SeaBIOS (QEMU) and Bochs' BIOS leave MTRRdefType 0xc06: enabled, fixed
# ranges enabled, write-back by default.
expect msr-mtrr-def-type "rdmsr 0x2ff: ok 0xc06" rdmsr 0 0x2ff
# Turning the MTRRs off (E, bit 11) on the last CPU shows in its shadow
# only: another CPU still reads 0xc06 (and real MTRRs off would make the
# machine uncached, which the rest of the run would notice).
svcpu wrmsr $last 0x2ff 0x406 >/dev/null
a=$(val $last 0x2ff) b=$(val 0 0x2ff)
svcpu wrmsr $last 0x2ff 0xc06 >/dev/null
[ "$last" = 0 ] && b=0xc06
if [ "$a" = 0x406 ] && [ "$b" = 0xc06 ] && [ "$(val $last 0x2ff)" = 0xc06 ]; then
    pass msr-mtrr-shadow
else
    failed msr-mtrr-shadow "cpu $last read $a after writing 0x406, cpu 0 read $b"
fi
gp msr-mtrr-reserved-gp wrmsr 0 0x2ff 0x1c06 && gp msr-mtrr-reserved-gp wrmsr 0 0x2ff 0xc02 &&
    pass msr-mtrr-reserved-gp
cap=$(val 0 0xfe)
case "$cap" in 0x*) [ $((cap & 0x1800)) = 0 ] && pass msr-mtrrcap-no-smrr || failed msr-mtrrcap-no-smrr "MTRRcap $cap" ;;
*) failed msr-mtrrcap-no-smrr "rdmsr 0xfe: $cap" ;; esac

# PAT: a reserved memory type is #GP (SVM: emulated on G_PAT; VMX: the CPU's own check).
gp msr-pat-bad-type-gp wrmsr 0 0x277 0x7040600070402 && pass msr-pat-bad-type-gp
# DEBUGCTL: BTF only, in the VMCB/VMCS or a shadow; LBR (bit 0) is not offered.
out=$(svcpu wrmsr 0 0x1d9 0x2 2>&1)
d=$(val 0 0x1d9)
svcpu wrmsr 0 0x1d9 0x0 >/dev/null
[ "$out" = "wrmsr 0x1d9 0x2: ok" ] && [ "$d" = 0x2 ] && pass msr-debugctl-btf ||
    failed msr-debugctl-btf "'$out', then DEBUGCTL read $d"
gp msr-debugctl-lbr-gp wrmsr 0 0x1d9 0x1 && pass msr-debugctl-lbr-gp

# XSS: only the components the VMM lets XRSTORS load; never PT's (bit 8).
if grep -qw xsaves /proc/cpuinfo; then
    gp msr-xss-filtered wrmsr 0 0xda0 0x100 && expect msr-xss-filtered "wrmsr 0xda0 0x0: ok" wrmsr 0 0xda0 0x0
else
    gp msr-xss-filtered rdmsr 0 0xda0 && pass msr-xss-filtered
fi

# Configuration MSRs: the real value; only a write that changes nothing.
if [ "$vendor" = AuthenticAMD ]; then
    hwcr=$(val 0 0xc0010015)
    case "$hwcr" in 0x*) pass msr-config-read ;; *) failed msr-config-read "HWCR: $hwcr" ;; esac
    expect msr-config-write-same "wrmsr 0xc0010015 $hwcr: ok" wrmsr 0 0xc0010015 "$hwcr"
    # INVD as WBINVD (bit 4) is the VMM's: flipping it is refused.
    flip=$(printf '0x%x' $((hwcr ^ 0x10)))
    gp msr-config-write-refused wrmsr 0 0xc0010015 "$flip" && pass msr-config-write-refused
    # DE_CFG: LFENCE serializing (bit 1) may be set; bit 2 may not.
    de=$(val 0 0xc0011029)
    expect msr-amd-de-cfg-lfence "wrmsr 0xc0011029 $(printf '0x%x' $((de | 2))): ok" \
        wrmsr 0 0xc0011029 "$(printf '0x%x' $((de | 2)))"
    gp msr-amd-de-cfg-other-gp wrmsr 0 0xc0011029 "$(printf '0x%x' $((de | 6)))" && pass msr-amd-de-cfg-other-gp
    ucode=0xc0010020
else
    me=$(val 0 0x1a0)
    case "$me" in
    0x*) if [ $((me & 0x1880)) = $((0x1800)) ]; then pass msr-config-read
         else failed msr-config-read "MISC_ENABLE $me: perfmon shown or BTS/PEBS not unavailable"; fi ;;
    *) failed msr-config-read "MISC_ENABLE: $me" ;;
    esac
    expect msr-config-write-same "wrmsr 0x1a0 $me: ok" wrmsr 0 0x1a0 "$me"
    flip=$(printf '0x%x' $((me | (1 << 34))))
    gp msr-config-write-refused wrmsr 0 0x1a0 "$flip" && pass msr-config-write-refused
    ucode=0x79
fi
# A microcode load from the guest is swallowed: the CPU stays as the VMM booted it.
rev=$(val 0 0x8b)
out=$(svcpu wrmsr 0 $ucode 0x1000 2>&1)
[ "$out" = "wrmsr $ucode 0x1000: ok" ] && [ "$(val 0 0x8b)" = "$rev" ] && pass msr-ucode-swallowed ||
    failed msr-ucode-swallowed "'$out', patch level $rev then $(val 0 0x8b)"

# The guest's CPUID shows none of the hidden features.
seen=""
for f in arch_perfmon pdcm dts ds_cpl dtes64 intel_pt arch_lbr ibs perfctr_core perfctr_nb perfctr_llc \
         irperf user_shstk ibt pks; do
    grep -qw "$f" /proc/cpuinfo && seen="$seen $f"
done
[ -z "$seen" ] && pass msr-cpuid-hides-pmu || failed msr-cpuid-hides-pmu "/proc/cpuinfo shows$seen"
# Linux booted without touching an MSR the VMM refuses unguarded.
n=$(dmesg | grep -c "unchecked MSR access")
[ "$n" = 0 ] && pass msr-no-unchecked-access || failed msr-no-unchecked-access "$(dmesg | grep -m3 'unchecked MSR access')"
# And the VMM is still there.
svinfo > /tmp/svinfo.msr 2>&1 && pass msr-vmm-alive || failed msr-vmm-alive "$(cat /tmp/svinfo.msr)"
exit $fail
