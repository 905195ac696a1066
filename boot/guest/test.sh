# The boot test suite's in-guest scenarios.  Every check prints
# "SVTEST PASS name" or "SVTEST FAIL name: why"; the host harness needs all
# of its expected PASS lines and no FAIL.
fail=0
pass() { echo "SVTEST PASS $1"; }
failed() { echo "SVTEST FAIL $1: $2"; fail=1; }

svtest hypercalls || fail=1

# /proc/iomem must show no System RAM over the VMM's memory.
svtest vmm-ranges > /tmp/ranges || failed vmm-ranges "stats hypercall failed"
overlap=0
while read -r s e; do
    s=$((0x$s)); e=$((0x$e))
    while read -r line; do
        case "$line" in
        *"System RAM"*)
            r=${line%% :*}; lo=$((0x${r%-*})); hi=$((0x${r#*-} + 1))
            if [ $lo -lt $e ] && [ $s -lt $hi ]; then
                overlap=1
                echo "iomem: '$line' overlaps VMM range $s-$e"
            fi ;;
        esac
    done < /proc/iomem
done < /tmp/ranges
[ $overlap = 0 ] && pass iomem-no-ram-over-vmm || failed iomem-no-ram-over-vmm "see above"

# Reading the VMM image through /dev/mem gives the sink page (all 0xff),
# never the VMM's bytes (its first bytes are the multiboot2 header).
read -r s e < /tmp/ranges
dd if=/dev/mem of=/tmp/vmm.bin bs=4096 skip=$((0x$s / 4096)) count=4 2>/tmp/dd.err
bytes=$(od -An -v -tx1 /tmp/vmm.bin | tr -s ' \n' '\n\n' | grep -v '^$' | sort -u | tr '\n' ' ')
size=$(wc -c < /tmp/vmm.bin)
if [ "$size" = 16384 ] && [ "$bytes" = "ff " ]; then
    pass devmem-reads-sink
else
    failed devmem-reads-sink "read $size bytes, distinct values: $bytes $(cat /tmp/dd.err)"
fi
# A write there must not reach the VMM either; the VMM must survive both.
printf 'XXXXXXXX' | dd of=/dev/mem bs=1 seek=$((0x$s)) conv=notrunc 2>/dev/null
svinfo > /tmp/svinfo.out && pass vmm-alive-after-devmem || failed vmm-alive-after-devmem "$(cat /tmp/svinfo.out)"

if [ -f /etc/sv/proc-test.sh ]; then
    # With several CPUs the process scenarios run on the last one, so that
    # they come from a CPU the guest started (the hypercall ones ran above).
    last=$(($(nproc) - 1))
    taskset -c "$last" sh /etc/sv/proc-test.sh || fail=1
fi
# Who may drive Sealvisor: the device, ring 3, other users (issue 13).
sh /etc/sv/access-test.sh || fail=1
# A nested call's callee runs out of time: its caller survives (issue 10).
svsmp callee-timeout 100 || fail=1
# The guest's FPU/SSE registers across a process call that uses the FPU (issue 10).
svsmp fpu || fail=1
if [ "$(nproc)" -gt 1 ]; then
    sh /etc/sv/smp-test.sh || fail=1
fi
# Versioned processes (issue 15): once, on the 1-CPU boot, last: the
# lists it loads stay in force.
if [ -f /etc/sv/svn-test.sh ] && [ "$(nproc)" = 1 ]; then
    sh /etc/sv/svn-test.sh || fail=1
fi

svtest stats
echo "SVTEST ALL DONE fail=$fail"
exit $fail
