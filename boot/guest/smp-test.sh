# SMP scenarios of the boot suite (issue 9), run in the guest when it has
# more than one CPU.  Every check prints "SVTEST PASS name" or
# "SVTEST FAIL name: why" (svsmp checks the exact values).
fail=0
n=$(nproc)
echo "SVTEST SMP START cpus=$n"
cd /root

# Every CPU: CPUID shows Sealvisor, its hypercalls are its own vCPU's, /dev/mem reads the sink.
svsmp percpu "$n" || fail=1
# A call cycle across two CPUs, and a kill of a process running on another CPU.
svsmp cycle || fail=1
# One thread per CPU loading, messaging and killing at once, for 20 s.
if [ -f t/adder.sig ]; then
    svsmp stress t/adder t/adder.sig 20 || fail=1
fi
# Each AP offline and online again, 20 times, with a hypercall from it after each.
cpu=1
while [ "$cpu" -lt "$n" ]; do
    svsmp online "$cpu" 20 || fail=1
    cpu=$((cpu + 1))
done
# vmmctl lists every CPU as running the guest.
running=$(vmmctl cpus | grep -c "running the guest")
[ "$running" = "$n" ] && echo "SVTEST PASS smp-vmmctl-cpus" \
    || { echo "SVTEST FAIL smp-vmmctl-cpus: $running of $n CPUs: $(vmmctl cpus | tr '\n' '|')"; fail=1; }
# The VMM is still fine on every CPU afterwards.
svsmp percpu "$n" > /tmp/percpu-after 2>&1 && echo "SVTEST PASS smp-percpu-after-online" \
    || { echo "SVTEST FAIL smp-percpu-after-online: $(grep FAIL /tmp/percpu-after | head -n 3)"; fail=1; }
echo "SVTEST SMP DONE fail=$fail"
exit $fail
