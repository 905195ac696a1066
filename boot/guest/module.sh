# The sealvisor module in the test guest (docs/access.md), sourced by /init
# and the tests.  This initramfs has neither modules-load.d nor udev, so
# sv_module_load does what they do on an installed system: insmod, then
# /dev/sealvisor to root:sealvisor 0660 as 60-sealvisor.rules says.
sv_module_load() {
    [ -f /lib/sealvisor.ko ] || { echo "SVGUEST no /lib/sealvisor.ko in the initramfs"; return 1; }
    insmod /lib/sealvisor.ko || return 1
    chgrp sealvisor /dev/sealvisor && chmod 0660 /dev/sealvisor
}

# The users the access tests need, as adduser would write them (busybox
# here has no adduser): svuser outside group sealvisor, svmember in it.
sv_users() {
    cat > /etc/passwd <<'END'
root:x:0:0:root:/root:/bin/sh
svuser:x:1000:1000:not in group sealvisor:/tmp:/bin/sh
svmember:x:1001:1001:in group sealvisor:/tmp:/bin/sh
END
    cat > /etc/group <<'END'
root:x:0:
sealvisor:x:990:svmember
svuser:x:1000:
svmember:x:1001:
END
}
