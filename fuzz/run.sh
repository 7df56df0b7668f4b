#!/bin/sh
# Runs each fuzz target for SECS seconds (default 600), one at a time, at the lowest priority.
# Fork mode with -ignore_crashes keeps going after a crash so one run finds every distinct bug;
# crashing inputs land in fuzz/artifacts/<target>/. Logs go to fuzz/logs/<target>.log.
set -u
SECS=${SECS:-600}
cd "$(dirname "$0")"
mkdir -p logs
for t in ${TARGETS:-bars_csv macro_csv config_toml}; do
  mkdir -p corpus/$t artifacts/$t
  start=$(date +%s)
  RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -O $t corpus/$t seeds/$t -- \
    -max_total_time=$SECS -jobs=1 -fork=1 -ignore_crashes=1 -max_len=8192 \
    -artifact_prefix=artifacts/$t/ > logs/$t.log 2>&1
  echo "$t: exit $? after $(( $(date +%s) - start )) s" >> logs/summary.txt
done
