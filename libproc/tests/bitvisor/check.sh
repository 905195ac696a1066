#!/bin/sh
# Unit test of libproc's BitVisor layer (issue 14), run by meson:
#   check.sh BUILD-DIR SOURCE-DIR
# 1. Every BitVisor header compiles on its own with proc-cc, 64- and
#    32-bit, with -Wall -Wextra -Werror.
# 2. bv_all.c, which uses every function the headers declare, links in
#    both widths, with libproc's translating _start as the ELF entry.
# 3. A native process does not get that entry.
# 4. The BitVisor sample builds with its Makefile, unchanged.
set -eu
build=$1 src=$2
cc="sh $build/libproc/proc-cc"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1"; fail=1; }

for w in 64 32; do
	for h in lib_assert.h lib_ctype.h lib_lineinput.h lib_printf.h lib_putchar.h \
		 lib_stdlib.h lib_string.h lib_syscalls.h; do
		printf '#include <%s>\n#include <%s>\n' "$h" "$h" > "$tmp/h.c"
		if $cc -m$w -Wall -Wextra -Werror -Wstrict-prototypes -c "$tmp/h.c" -o "$tmp/h.o"; then
			ok "header-$h-$w"
		else
			bad "header-$h-$w"
		fi
	done
	if $cc -m$w -Wall -Wextra -Werror "$src/libproc/tests/bitvisor/bv_all.c" -o "$tmp/bv_all$w"; then
		ok "link-every-function-$w"
		entry=$(readelf -h "$tmp/bv_all$w" | awk '/Entry point/ { print $4 }')
		start=$(nm "$tmp/bv_all$w" | awk '$3 == "_start" { print $1 }')
		user=$(nm "$tmp/bv_all$w" | awk '$3 == "__bv_start" { print $1 }')
		if [ -n "$user" ] && [ -n "$start" ] && [ "$((0x$start))" = "$((entry))" ]; then
			ok "entry-translates-$w"
		else
			bad "entry-translates-$w (entry $entry, _start $start, __bv_start $user)"
		fi
	else
		bad "link-every-function-$w"
	fi
	$cc -m$w "$src/libproc/samples/hello.c" -o "$tmp/native$w"
	if nm "$tmp/native$w" | grep -q __bv_start; then
		bad "native-entry-untouched-$w"
	else
		ok "native-entry-untouched-$w"
	fi
done
if make -s -C "$src/libproc/samples/bitvisor" BUILD="$build" O="$tmp" >"$tmp/make.log" 2>&1 &&
	readelf -h "$tmp/bin_hello" | grep -q ELF64 && readelf -h "$tmp/bin_hello32" | grep -q ELF32; then
	ok "sample-make"
else
	cat "$tmp/make.log"
	bad "sample-make"
fi
# The make flow with a manifest (issue 15): both widths carry the note.
if make -s -B -C "$src/libproc/samples/bitvisor" BUILD="$build" O="$tmp" PRODUCT=bv-hello SVN=7 \
	NAME=bvh >"$tmp/make.log" 2>&1 &&
	readelf -n "$tmp/bin_hello" | grep -q "Sealvisor" && readelf -n "$tmp/bin_hello32" | grep -q "Sealvisor" &&
	od -An -c "$tmp/bin_hello" | tr -d ' \n' | grep -q 'bv-hello\\0bvh\\0'; then
	ok "sample-make-manifest"
else
	cat "$tmp/make.log"
	bad "sample-make-manifest"
fi
exit $fail
