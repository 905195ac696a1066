#!/bin/sh
# Runs one libFuzzer target for a bounded time (meson test suite 'fuzz').
#   run-fuzz.sh FUZZER WORKDIR SEEDDIR SECONDS
# New corpus entries and any crash artifacts go to WORKDIR (in the build
# folder), never into the seed folder in the source tree.
set -eu
fuzzer=$1 work=$2 seeds=$3 secs=$4
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds"
