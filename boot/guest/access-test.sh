# Who may drive Sealvisor (issue 13, docs/access.md), run in the guest as
# root after the other scenarios.  Every check prints "SVTEST PASS name"
# or "SVTEST FAIL name: why" and compares the exact line a tool printed.
fail=0
pass() { echo "SVTEST PASS $1"; }
failed() { echo "SVTEST FAIL $1: $2"; fail=1; }
# same NAME GOT WANT
same() { [ "$2" = "$3" ] && pass "$1" || failed "$1" "got '$2', expected '$3'"; }
. /etc/sv/module.sh
cd /root

# The device as the udev rule makes it, and the tools going through it.
same dev-node-root-sealvisor-0660 "$(stat -c '%A %U %G' /dev/sealvisor)" "crw-rw---- root sealvisor"
same tools-use-device "$(svinfo | tail -n 1)" "svinfo: access: through /dev/sealvisor"

# An 8 MiB binary: more than kmalloc gives at once, so the module's copy
# is vmalloc'd, and the VMM reads it through the kernel's page tables.
out=$(vmmload t/big-8m t/big-8m.sig 2>&1)
case "$out" in
    "desc = "[0-9]*) vmmctl kill "${out#desc = }" && pass dev-load-8mib-vmalloc ;;
    *) failed dev-load-8mib-vmalloc "$out" ;;
esac

# Direct hypercalls from ring 3 (the VMM's CPL check), hostile ioctls.
svtest ring3 || fail=1
svtest device || fail=1
bad=$(dmesg | grep -E 'BUG|Oops|WARNING|Call Trace|general protection')
[ -z "$bad" ] && pass dev-dmesg-clean || failed dev-dmesg-clean "$(echo "$bad" | head -n 3)"

# as USER CMD: CMD's output (stdout and stderr) as USER; its status in $rc.
as() { out=$(su -s /bin/sh "$1" -c "$2" 2>&1); rc=$?; }
cp hello hello.sig /tmp/ && chmod 644 /tmp/hello /tmp/hello.sig
denied="/dev/sealvisor: permission denied (root:sealvisor 0660); ask to be added to group sealvisor"
nomod="module not loaded: this Sealvisor takes hypercalls only from the guest kernel (guest_access=kernel); load it with modprobe sealvisor"
admin="/dev/sealvisor: this operation needs root (CAP_SYS_ADMIN); group sealvisor may load, message and read"

# A user outside the group: no access, said exactly; svinfo still answers.
as svuser "vmmload /tmp/hello /tmp/hello.sig"
same user-nogroup-vmmload-denied "$out rc=$rc" "vmmload: $denied rc=1"
as svuser "vmmctl ps"
same user-nogroup-vmmctl-denied "$out rc=$rc" "vmmctl: $denied rc=1"
as svuser "svinfo"
same user-nogroup-svinfo "$(echo "$out" | tail -n 1) rc=$rc" "svinfo: no access: $denied rc=0"

# A member of the group: loads, messages and reads; kill, close and the
# built-ins need root, each refusal said exactly.
as svmember "vmmload /tmp/hello /tmp/hello.sig"
case "$out" in "desc = "[0-9]*) pass user-group-vmmload ;; *) failed user-group-vmmload "$out" ;; esac
d=${out#desc = }
as svmember "vmmctl ps"
echo "$out" | grep -q "^$d .* alive " && pass user-group-vmmctl-ps || failed user-group-vmmctl-ps "$out"
# Naming a program (newprocess(name) for every process) is root's.
as svmember "vmmload --name squat /tmp/hello /tmp/hello.sig"
same user-group-named-load-needs-root "$out rc=$rc" "vmmload: /tmp/hello refused: $admin (-72) rc=1"
as svmember "vmmctl send $d 5"
same user-group-vmmctl-send "rc=$rc" "rc=0"
as svmember "vmmctl audit"
echo "$out" | grep -q "loaded" && [ $rc = 0 ] && pass user-group-vmmctl-audit || failed user-group-vmmctl-audit "$out"
as svmember "vmmctl log"
echo "$out" | grep -q "is descriptor $d" && pass user-group-vmmctl-log || failed user-group-vmmctl-log "$(echo "$out" | tail -n 2)"
as svmember "vmmctl kill $d"
same user-group-kill-needs-root "$out rc=$rc" "vmmctl: kill: $admin (-72) rc=1"
as svmember "vmmctl close $d"
same user-group-close-needs-root "$out rc=$rc" "vmmctl: close: $admin (-72) rc=1"
as svmember "svtest builtin t-adder 0 kill"
same user-group-builtin-needs-root "$out" "SVTEST builtin t-adder 0 result -72"
vmmctl kill "$d" && pass root-kills-members-process || failed root-kills-members-process "vmmctl kill $d failed"

# Without the module: the tools say so, svinfo still answers; then back.
rmmod sealvisor
out=$(vmmload hello hello.sig 2>&1)
same no-module-vmmload "$out" "vmmload: $nomod"
out=$(vmmctl ps 2>&1)
same no-module-vmmctl "$out" "vmmctl: $nomod"
same no-module-svinfo "$(svinfo | tail -n 1)" "svinfo: no access: $nomod"
sv_module_load && same module-reloaded "$(svinfo | tail -n 1)" "svinfo: access: through /dev/sealvisor" \
    || failed module-reloaded "insmod failed"
echo "SVTEST ACCESS DONE fail=$fail"
exit $fail
