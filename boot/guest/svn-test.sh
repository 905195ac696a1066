# Versioned processes (issue 15), run in the guest by test.sh after the
# other process scenarios, on the 1-CPU boot: anti-rollback, the build
# floor, revocation, the measurement log.  Files in /root/svn (boot/
# meson.build: test processes with manifests, lists made by
# boot/svn-assets.sh).  Every check prints "SVTEST PASS name" or
# "SVTEST FAIL name: why" and checks the exact code and the VMM's line.
fail=0
pass() { echo "SVTEST PASS $1"; }
failed() { echo "SVTEST FAIL $1: $2"; fail=1; }
cd /root/svn

vmmlog_has() { vmmctl log | grep -qF -- "$1"; }
# load_ok NAME FILE: vmmload FILE FILE.sig must give a descriptor.
load_ok() {
    out=$(vmmload "$2" "$2.sig" 2>&1)
    case "$out" in "desc = "*) pass "$1" ;; *) failed "$1" "$out" ;; esac
}
# load_refused NAME FILE CODE
load_refused() {
    out=$(vmmload "$2" "$2.sig" 2>&1)
    case "$out" in *"($3)") pass "$1" ;; *) failed "$1" "expected ($3), got: $out" ;; esac
}
# ps_has NAME: a process of that name is listed.
ps_has() { vmmctl ps | awk -v n="$1" '$3 == n { f = 1 } END { exit !f }'; }
audit_has() { vmmctl audit | grep -qF -- "$1"; }

# ---- anti-rollback: SVN 1, then SVN 2 of the same product ----
load_ok svn-load-rb1 sv-rb1
ps_has rb-one && vmmctl ps | grep -q " rb-one .* svtest-rb  *1 " \
    && pass svn-ps-product-svn || failed svn-ps-product-svn "$(vmmctl ps)"
load_ok svn-load-rb2 sv-rb2
# The default (-Dsvn_kill_older=true): the older instance is killed, audited.
if ! ps_has rb-one && ps_has rb-two && vmmlog_has "svtest-rb SVN 2: 1 older instance(s) killed" &&
   audit_has "kill size=0" && vmmctl audit | grep " kill " | tail -n 1 | grep -qF "product=svtest-rb svn=1 min=0"; then
    pass svn-older-killed
else
    failed svn-older-killed "$(vmmctl ps; vmmctl audit | tail -n 3)"
fi
load_refused svn-rollback-refused sv-rb1 -63
vmmlog_has "newprocess: refused product svtest-rb SVN 1: minimum 2 (already loaded since boot)" \
    && pass svn-rollback-console || failed svn-rollback-console "no console line"
vmmctl audit | tail -n 1 | grep -qF "product=svtest-rb svn=1 min=2 id=-1 result=refused: security version below one already loaded (anti-rollback) (-63)" \
    && vmmlog_has "product svtest-rb SVN 1, minimum 2): security version below one already loaded" \
    && pass svn-rollback-audit || failed svn-rollback-audit "$(vmmctl audit | tail -n 1)"
load_ok svn-same-svn-again sv-rb2

# ---- the build's floor: svtest-floor is held to 5 ----
load_refused svn-floor-refused sv-fl2 -62
vmmlog_has "newprocess: refused product svtest-floor SVN 2: minimum 5 (the build's floor)" \
    && vmmctl audit | tail -n 1 | grep -qF "product=svtest-floor svn=2 min=5" \
    && pass svn-floor-console-audit || failed svn-floor-console-audit "$(vmmctl audit | tail -n 1)"
load_ok svn-floor-at-floor sv-fl5

# ---- revocation ----
load_ok svn-load-rv sv-rv
ps_has rv-one || failed svn-load-rv "rv-one not listed"
# A list whose entries are out of order is refused, though signed.
r=$(vmmctl revoke rl-unsorted rl-unsorted.sig 2>&1)
case "$r" in *"(-66)") pass svn-revoke-unsorted ;; *) failed svn-revoke-unsorted "$r" ;; esac
# Longer than any list may be: refused before its signature is looked at.
head -c 16409 /dev/zero > /tmp/big.rl
r=$(vmmctl revoke /tmp/big.rl rl2.sig 2>&1)
# Through /dev/sealvisor the module refuses it before the VMM sees it (it
# copies no more than the VMM takes); directly, the VMM does.
want="more entries than the VMM keeps (-67)"
[ -c /dev/sealvisor ] && want="too large (-5)"
case "$r" in *"$want") pass svn-revoke-oversized ;; *) failed svn-revoke-oversized "$r (expected '$want')" ;; esac
r=$(vmmctl revoke rl2 rl2.sig 2>&1)
case "$r" in
    *"1 process(es) killed") ps_has rv-one && failed svn-revoke-kills "rv-one still runs" || pass svn-revoke-kills ;;
    *) failed svn-revoke-kills "$r" ;;
esac
vmmctl audit | grep " kill " | tail -n 1 | grep -qF "product=svtest-rv svn=1 min=0" \
    && vmmctl audit | grep " kill " | tail -n 1 | grep -qF "result=killed: binary or its signing key is revoked (-64)" \
    && vmmctl audit | grep -qF " revoke size=56 " \
    && pass svn-revoke-kill-audited || failed svn-revoke-kill-audited "$(vmmctl audit | tail -n 3)"
load_refused svn-revoked-refused sv-rv -64
vmmlog_has "newprocess: refused product svtest-rv SVN 1: its digest is revoked (list version 2)" \
    && pass svn-revoked-console || failed svn-revoked-console "no console line"
r=$(vmmctl revoke rl1 rl1.sig 2>&1)
case "$r" in *"not newer than the list in force (-69)") pass svn-older-list-refused ;; *) failed svn-older-list-refused "$r" ;; esac
r=$(vmmctl revoke rl2 rl2.sig 2>&1)
case "$r" in *"(-69)") pass svn-same-list-refused ;; *) failed svn-same-list-refused "$r" ;; esac
# A tampered list changes nothing: the register stays, RV3 still loads.
before=$(vmmctl measure | grep '^register')
r=$(vmmctl revoke rl3 rl3.sig 2>&1)
case "$r" in *"(-12)") pass svn-tampered-list-refused ;; *) failed svn-tampered-list-refused "$r" ;; esac
after=$(vmmctl measure | grep '^register')
[ -n "$before" ] && [ "$before" = "$after" ] && pass svn-tampered-changes-nothing \
    || failed svn-tampered-changes-nothing "$before -> $after"
load_ok svn-tampered-not-in-force sv-rv3

# ---- the measurement log ----
vmmctl measure > /tmp/measure.log || failed svn-measure "vmmctl measure failed"
r=$(svreplay /tmp/measure.log)
case "$r" in "match: "*) pass svn-replay-matches ;; *) failed svn-replay-matches "$r" ;; esac
# Its first events are the image and the keys this build made.
if grep -q "^event 0 1 " /tmp/measure.log && grep -qF "vmm-image sha256=$(cat image-digest)" /tmp/measure.log &&
   grep -qF "trusted-keys count=1 sha256=$(cat keyset)" /tmp/measure.log; then
    pass svn-measure-starts-from-image-and-keys
else
    failed svn-measure-starts-from-image-and-keys "$(head -n 8 /tmp/measure.log)"
fi
# The third is the VMM command line: its digest is SHA-256 of the bytes it
# shows (the whole line: the test boot's is below 80 bytes).
ev2=$(awk '/^event 2 6 / { print $5 }' /tmp/measure.log)
esc=$(awk -v h="$ev2" 'function hv(c) { return index("0123456789abcdef", c) - 1 }
    function byte(i) { return hv(substr(h, 2 * i + 1, 1)) * 16 + hv(substr(h, 2 * i + 2, 1)) }
    BEGIN { n = byte(32) + 256 * byte(33); if (n == 0 || n > 80 || length(h) != 240) exit 1
            for (i = 0; i < n; i++) printf "\\%03o", byte(40 + i) }')
sum=$(printf "$esc" | sha256sum | cut -d' ' -f1)
[ -n "$esc" ] && [ "$sum" = "$(echo "$ev2" | cut -c1-64)" ] && pass svn-measure-cmdline \
    || failed svn-measure-cmdline "event 2 '$ev2', text sha256 $sum"
# One load event per distinct binary (rb2 twice: once), one for the list.
nl=$(grep -c "^#   load product=svtest-" /tmp/measure.log)
nr=$(grep -c "^#   revlist version=2 " /tmp/measure.log)
[ "$nl" = 5 ] && [ "$nr" = 1 ] && pass svn-measure-events || failed svn-measure-events "loads $nl, lists $nr"
# A log edited after the fact does not replay: event 3 (the first load
# since boot, from proc-test.sh) claims another SVN.
awk '/^event 3 / { $5 = substr($5, 1, 128) (substr($5, 129, 1) == "0" ? "1" : "0") substr($5, 130) } { print }' \
    /tmp/measure.log > /tmp/edited.log
r=$(svreplay /tmp/edited.log)
case "$r" in "MISMATCH: event 3:"*) pass svn-replay-detects-edit ;; *) failed svn-replay-detects-edit "$r" ;; esac

# ---- a load is committed before its code runs ----
# Its _start asks for a copy of itself by name: refused while its own
# load has not completed, so no copy runs behind a load that may fail.
out=$(vmmload --name selfspawn sv-self sv-self.sig 2>&1)
if vmmlog_has "selfspawn: in _start newprocess = -9" &&
   vmmlog_has "newprocess: 'selfspawn' is still loading; no copy of it starts before its load completes"; then
    pass svn-spawn-refused-while-loading
else
    failed svn-spawn-refused-while-loading "$out; $(vmmctl log | grep selfspawn | tail -n 3)"
fi
n=$(vmmctl ps | awk '$3 == "selfspawn"' | wc -l)
case "$out" in "desc = "*) [ "$n" = 1 ] && pass svn-spawn-no-copy-left \
    || failed svn-spawn-no-copy-left "$n processes named selfspawn" ;;
    *) failed svn-spawn-no-copy-left "$out" ;; esac
# A binary that dies in its first run was still loaded: the log says so.
sum=$(sha256sum /root/t/t-divzero | cut -d' ' -f1)
out=$(vmmload /root/t/t-divzero /root/t/t-divzero.sig 2>&1)
case "$out" in
    *"(-42)") vmmctl measure | grep -q "^#   load product=none svn=0 binary=$sum " \
        && pass svn-measured-before-start || failed svn-measured-before-start "no load event for $sum" ;;
    *) failed svn-measured-before-start "$out" ;;
esac

# ---- older instances die even when the new load then fails ----
# With the guest's descriptor table full, SVN 2 is recorded and then
# refused for want of a descriptor (-6); SVN 1 must be gone all the same.
# SVN 1's own descriptor is closed first (it keeps running, reached by
# id), so that its kill frees no descriptor for SVN 2.
out=$(vmmload sv-k1 sv-k1.sig 2>&1)
case "$out" in
    "desc = "*) vmmctl close "${out#desc = }" > /dev/null && ps_has kill-one \
        && pass svn-load-k1 || failed svn-load-k1 "kill-one not running after close" ;;
    *) failed svn-load-k1 "$out" ;;
esac
descs=""
i=0
while [ $i -lt 40 ]; do
    out=$(vmmload sv-fl5 sv-fl5.sig 2>&1)
    case "$out" in "desc = "*) descs="$descs ${out#desc = }" ;; *) break ;; esac
    i=$((i + 1))
done
out=$(vmmload sv-k2 sv-k2.sig 2>&1)
case "$out" in
    *"(-6)") if ! ps_has kill-one && ! ps_has kill-two &&
                vmmlog_has "svtest-kill SVN 2: 1 older instance(s) killed"; then
                 pass svn-older-killed-when-load-fails
             else
                 failed svn-older-killed-when-load-fails "$(vmmctl ps | grep kill-)"
             fi ;;
    *) failed svn-older-killed-when-load-fails "expected (-6) with a full table, got: $out ($i loads)" ;;
esac
for d in $descs; do vmmctl kill "$d" > /dev/null 2>&1; done

# ---- what one signing key may do with lists ----
before=$(vmmctl measure | grep '^register')
n0=$(vmmctl ps | awk 'NR > 1 && $7 != "(built-in)"' | wc -l)
r=$(vmmctl revoke rl4 rl4.sig 2>&1)
after=$(vmmctl measure | grep '^register')
n1=$(vmmctl ps | awk 'NR > 1 && $7 != "(built-in)"' | wc -l)
case "$r" in
    *"(-64)") [ "$before" = "$after" ] && [ "$n0" = "$n1" ] && [ "$n1" -gt 0 ] \
        && vmmlog_has "revoke: list of 56 bytes refused: binary or its signing key is revoked (-64); nothing changed" \
        && pass svn-list-revoking-signer-refused \
        || failed svn-list-revoking-signer-refused "$before -> $after, $n0 -> $n1 processes" ;;
    *) failed svn-list-revoking-signer-refused "$r" ;;
esac
r=$(vmmctl revoke rl5 rl5.sig 2>&1)
case "$r" in *"(-68)") pass svn-list-version-jump-refused ;; *) failed svn-list-version-jump-refused "$r" ;; esac
load_ok svn-signer-still-trusted sv-fl5
vmmctl measure > /tmp/measure2.log && svreplay /tmp/measure2.log | grep -q "^match: " \
    && pass svn-replay-at-end || failed svn-replay-at-end "$(svreplay /tmp/measure2.log)"

echo "SVTEST SVN DONE fail=$fail"
exit $fail
