#!/bin/sh
# Runs the ACPI fuzzer for a bounded time: run-fuzz.sh FUZZER SEEDS WORKDIR SECONDS
#
# libFuzzer adds what it finds to the first corpus directory it is given,
# so that is a scratch folder in the build tree; the committed seeds are
# only read.  A crash, leak, sanitizer report or timeout fails the test and
# leaves the input in WORKDIR/crash-* (or leak-*, timeout-*).
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus"
exec "$fuzzer" "$work/corpus" "$seeds" \
	-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=16384 -print_final_stats=1 -artifact_prefix="$work/"
