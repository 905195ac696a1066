# The demo scenario; the host's ./demo reads its markers.
echo "=== Sealvisor demo: the guest asks the hypervisor who it is ==="
svinfo
status=$?
if [ -f /root/hello.sig ]; then
    echo "=== loading a signed process: vmmload hello hello.sig ==="
    vmmload hello hello.sig || status=1
    echo "=== a copy of hello with one byte changed is refused ==="
    cp hello hello-tampered
    printf 'X' | dd of=hello-tampered bs=1 seek=1000 conv=notrunc 2>/dev/null
    if vmmload hello-tampered hello.sig; then status=1; fi
    echo "=== the 32-bit build of the same program ==="
    vmmload hello32 hello32.sig || status=1
    echo "=== vmmctl ps ==="
    vmmctl ps
    echo "=== vmmctl audit ==="
    vmmctl audit
fi
if [ -f /root/sv-cmds.sh ]; then
    echo "=== running the commands given with --guest-cmd ==="
    sh /root/sv-cmds.sh
    status=$?
fi
echo "SVDEMO exit status $status"
exit $status
