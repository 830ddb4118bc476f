#!/usr/bin/env bash
# Issue 10, items 7-8: every figure of bench/README.md's "Issue 10, items 7–8" sections in one run, side by side.
#
#   bench/issue10.sh [--quick] [--skip-inbox] [--skip-http]
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres). Makes (once) and uses two databases of its own:
# yishi_bench (emptied by every http_load.py and run.py run) and yishi_bench_1m (a million cases from
# bench/inbox_data.py, about 10 minutes to make on a quiet machine; kept between runs and upgraded to the newest
# migration). Writes everything to bench-results/issue10-<UTC time>.txt (not committed) and prints it.
# --quick: fewer cases and requests (a smoke run, not figures to quote).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG=postgresql://postgres@127.0.0.1:5432
QUICK=0 INBOX=1 HTTP=1
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --skip-inbox) INBOX=0 ;;
    --skip-http) HTTP=0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then INSTANCES=20 CASES=30 REQUESTS=20 STUCK=5; else INSTANCES=100 CASES=200 REQUESTS=200 STUCK=30; fi
mkdir -p bench-results
OUT="bench-results/issue10-$(date -u +%Y%m%dT%H%MZ).txt"
exec > >(tee "$OUT") 2>&1

database() {  # create a database of the benchmarks' own if it is missing
  psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname = '$1'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c "create database $1"
}

echo "# issue 10 benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -srm)"
echo "# git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# other processes using CPU at start:"; ps -eo pcpu,comm --sort=-pcpu | sed -n '2,8p'
database yishi_bench

echo; echo "## engine step: raw SpiffWorkflow, raw + spec-less JSON, Yishi (bench/run.py, same run each)"
$PY bench/run.py --instances "$INSTANCES" --sqlite-synchronous NORMAL
$PY bench/run.py --instances "$INSTANCES" --sqlite-synchronous FULL
$PY bench/run.py --instances "$INSTANCES" --database "$PG/yishi_bench"

if [ "$HTTP" = 1 ]; then
  echo; echo "## completions over HTTP (bench/http_load.py, 8 connections, $CASES cases x 10 steps)"
  echo "# two servers of one worker each, the connections spread over them in turn (--servers 2 --workers 1):"
  echo "# one server's workers share its socket and eight connections opened at once may all land in one worker"
  run() { echo; echo "### http_load.py $*"; $PY bench/http_load.py --clients 8 --cases "$CASES" "$@"; }
  run --servers 1 --workers 1 --sqlite-synchronous NORMAL
  run --servers 2 --workers 1 --sqlite-synchronous NORMAL --loop asyncio --http h11
  run --servers 2 --workers 1 --sqlite-synchronous NORMAL
  echo; echo "### the same with YISHI_SQLITE_WRITER_QUEUE=false (SQLite's own busy handler)"
  YISHI_SQLITE_WRITER_QUEUE=false $PY bench/http_load.py --clients 8 --cases "$CASES" --servers 2 --workers 1 \
      --sqlite-synchronous NORMAL
  run --servers 2 --workers 1 --sqlite-synchronous FULL
  run --servers 2 --workers 1 --database "$PG/yishi_bench"
  run --servers 1 --workers 2 --sqlite-synchronous FULL  # uvicorn's own workers, for comparison
  echo; echo "## the floor under a completion, beside Yishi (bench/floors.py, 2 servers x 1 worker, 8 connections)"
  $PY bench/floors.py --cases "$CASES" --postgres "$PG/yishi_bench"
fi

if [ "$INBOX" = 1 ]; then
  echo; echo "## the inbox and the stuck report at a million cases (bench/inbox_load.py)"
  if psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname = 'yishi_bench_1m'" | grep -q 1; then
    $PY -c "from engine.store.db import upgrade; upgrade('$PG/yishi_bench_1m')"
  else
    $PY bench/inbox_data.py --database "$PG/yishi_bench_1m"
  fi
  $PY bench/inbox_load.py --database "$PG/yishi_bench_1m" --requests "$REQUESTS" --stuck-requests "$STUCK" \
      --stats-requests 0 --explain "${OUT%.txt}-plans.md"
fi
echo; echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); written to $OUT"
