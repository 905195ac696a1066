# The demo scenario; the host's ./demo reads its markers.
echo "=== Sealvisor demo: the guest asks the hypervisor who it is ==="
svinfo
status=$?
if [ -f /root/sv-cmds.sh ]; then
    echo "=== running the commands given with --guest-cmd ==="
    sh /root/sv-cmds.sh
    status=$?
fi
echo "SVDEMO exit status $status"
exit $status
