#!/bin/sh
# svn_floor_option.sh SRC: -Dsvn_floor as `meson setup` sees it (issue 15).
# Malformed floors stop the setup with the option's message; a good list
# (with none:1, which forbids binaries without a manifest) becomes the
# SV_SVN_FLOORS initializer in sv_config.h, the test product after it.
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for bad in 'vpnd' 'vpnd:' ':3' 'vpnd:x' 'vpnd:-1' 'a b:3' 'vpnd:4294967296' 'vp"nd:1' \
           'abcdefghijklmnopqrstuvwxyz0123456:1' 'vpnd:1,vpnd:2'; do
    if meson setup "$tmp/bad" "$src" "-Dsvn_floor=$bad" > "$tmp/out" 2>&1; then
        echo "FAIL: -Dsvn_floor=$bad was accepted"; fail=1
    elif ! grep -q "svn_floor: " "$tmp/out"; then
        echo "FAIL: -Dsvn_floor=$bad: no svn_floor message"; tail -n 3 "$tmp/out"; fail=1
    else
        echo "ok: -Dsvn_floor=$bad refused: $(grep -o "svn_floor: .*" "$tmp/out" | head -n 1)"
    fi
    rm -rf "$tmp/bad"
done
if meson setup "$tmp/good" "$src" -Dsvn_floor=vpnd:3,none:1,x.y_z-1:4294967295 -Dsvn_kill_older=false \
        > "$tmp/out" 2>&1; then
    want='#define SV_SVN_FLOORS { "vpnd", 3u }, { "none", 1u }, { "x.y_z-1", 4294967295u }, { "svtest-floor", 5u }, '
    if grep -qxF "$want" "$tmp/good/sv_config.h" && grep -qx '#define SV_SVN_KILL_OLDER 0' "$tmp/good/sv_config.h"; then
        echo "ok: floors and kill-older in sv_config.h"
    else
        echo "FAIL: sv_config.h has: $(grep SVN "$tmp/good/sv_config.h")"; fail=1
    fi
else
    echo "FAIL: a good floor list was refused"; tail -n 5 "$tmp/out"; fail=1
fi
exit $fail
