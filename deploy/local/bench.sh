#!/usr/bin/env bash
# Every benchmark against the local stack, one report (issue 8). `deploy/local/platform bench` runs it.
#
#   deploy/local/platform bench [SUITE ...] [OPTIONS] [-Dname=value ...]
#
# Suites, run one after the other in this order (default: all):
#   records        mvn -pl records-service -Pbench package        (RecordsBench)
#   consent        mvn -pl consent-service -Pbench verify         (ConsentCheckBench)
#   chain-anchor   mvn -pl chain-anchor-service -Pbench verify    (throughput, latency, gas, JMH Merkle;
#                                                                  stops the platform's services meanwhile)
#   appointment    mvn -pl appointment-service -Pbench verify     (BookingBench)
#   notification   mvn -pl notification-service -Pbench verify    (MailLatencyBench)
#   system         mvn -pl system-tests -Pbench verify            (ingest through the gateway; start-up
#                                                                  and RSS per service: restarts each service)
# Options:
#   --no-restart    the system suite restarts no service (start-up read from the running services' logs)
#   --no-up         do not run `deploy/local/platform up` first (a stack managed by someone else)
#   --report-only   run nothing: report the last run of each suite (.local/bench/), or of those named
#   --note TEXT     a note printed at the top of the report (e.g. "plumbing run under load")
#   --out DIR       write benchmarks.md, benchmarks.json and benchmarks/*.svg to DIR (default: docs)
#   -Dname=value    passed to every mvn (e.g. -Dbench.smallCount=800 -Dbench.ingestCount=400)
#
# It runs `deploy/local/platform up` first (idempotent; EHR_SKIP_BUILD=1 is honoured). Each figure is
# a `BENCH-FIGURE {json}` line on a benchmark's stdout (platform-support's test-jar BenchFigure);
# suites that print none yet (records, chain-anchor) have their human `BENCH` lines parsed instead.
# Logs: .local/bench/SUITE.log. The report covers the suites of this invocation; --report-only then
# reports the last run of every suite together (each with its own date and load in the runs table).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The suites, running them and the report live in lib/ (bench.sh, bench-report.cjs; see
# deploy/local/README.md).
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
# shellcheck source=lib/bench.sh
source "$HERE/lib/bench.sh"
stack_paths
LOGDIR=$STATE/bench

SUITES=() MVN_ARGS=() RESTART=true REPORT_ONLY=0 UP=1 NOTE="" OUT=$ROOT/docs
while (($#)); do
  case $1 in
    --no-restart) RESTART=false; shift ;;
    --report-only) REPORT_ONLY=1; shift ;;
    --no-up) UP=0; shift ;;
    --note) NOTE=${2:?--note needs a text}; shift 2 ;;
    --out) OUT=${2:?--out needs a directory}; shift 2 ;;
    -D*) MVN_ARGS+=("$1"); shift ;;
    -h | --help) usage 2 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) SUITES+=("$(suite_of "$1")"); shift ;;
  esac
done
((${#SUITES[@]})) || SUITES=("${ALL_SUITES[@]}")
order_suites
command -v node >/dev/null || die "node is needed for the report (Node 20, as for the local stack's contracts)"
mkdir -p "$LOGDIR" "$OUT"

if ((REPORT_ONLY == 0)); then
  run_suites
else
  last_run_suites
fi
write_report
