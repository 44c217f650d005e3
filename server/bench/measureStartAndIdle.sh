#!/usr/bin/env bash
# Time to healthy and idle memory of one server start, for comparing how it is run:
#   cd server && DATABASE_URL=postgresql://postgres@127.0.0.1:5432/some_db bench/measureStartAndIdle.sh node node dist/main.js
#   cd server && DATABASE_URL=… bench/measureStartAndIdle.sh tsx node_modules/.bin/tsx src/main.ts
# Prints the milliseconds from spawn to the first 200 from /healthz, and the summed RSS of the
# process group (tsx's launcher and esbuild included) after 15 s idle. Simulator and demo off.
set -euo pipefail
label=$1; shift
: "${DATABASE_URL:?set DATABASE_URL to a database the server may migrate}"
port=$(( 20000 + RANDOM % 20000 ))
start=$(date +%s%N)
PAIDSYNC_SIMULATOR=off PAIDSYNC_LOG_LEVEL=warn PORT=$port PAIDSYNC_ADMIN_KEY=psk_measure_measure_measure_0123 \
  setsid "$@" >/dev/null 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
ready=$(date +%s%N)
sleep 15
rss=0
for p in $(pgrep -g "$pid"); do rss=$(( rss + $(awk '/VmRSS/{print $2}' "/proc/$p/status") )); done
echo "$label: healthy after $(( (ready - start) / 1000000 )) ms, idle RSS $(( rss / 1024 )) MB"
kill -TERM -- "-$pid"
wait "$pid" 2>/dev/null || true
