#!/usr/bin/env bash
# Fault injection under load (issue 8), through `deploy/local/platform faults [ARGS]`.
#
#   deploy/local/platform faults [--stack DIR] [--port-offset N] [--uploads N] [--bookings N]
#                                [--outage SECONDS] [--faults COMPONENT,...] [--frozen-jars]
#                                [--keep-report]
#
# --faults picks components (default: all eight, in issue 8's order); --keep-report leaves
# docs/faults.md alone (for trial runs); --outage is how long anvil and GreenMail stay down (60).
# --frozen-jars runs (and restarts) the services from a copy of their current jars in
# <stack>/frozen, so that a rebuild in the checkout during the run (someone's `mvn package`) cannot
# change the code under test, nor break a running service that loads classes lazily from its jar.
# Services already running from the checkout are left as they are: `platform down services` first.
#
# Starts what is down of the target stack (`platform up`), then runs the driver
# (system-tests, `mvn -pl system-tests -DskipStack verify -Pfaults`): 2,000 uploads and 200
# bookings while records-, chain-anchor-, consent- and notification-service, Kafka and MariaDB are
# killed (SIGKILL) and restarted in turn, and anvil and GreenMail are stopped for a minute. Then it
# checks that nothing acknowledged was lost or duplicated, writes
# system-tests/target/faults-report.md and copies it to docs/faults.md. Exit 1 when anything was
# lost or duplicated (or the run could not be completed).
#
# It KILLS SERVERS of the stack it targets: by default the stack of this checkout (.local, default
# ports). To run it beside a stack others use, give it its own state folder and ports:
#   deploy/local/platform faults --stack /work/faultstack --port-offset 20000
# (every EHR_*_PORT becomes default + offset; the folder gets its own databases, Kafka, chain, ...).
# Every EHR_* variable that deploy/local/platform reads can also be set directly instead.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The ports, URLs and paths are those of deploy/local/platform (lib/common.sh).
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"

offset=0
uploads=2000
bookings=200
outage=60
keep_report=0
frozen=0
while (($#)); do
  case $1 in
    --stack) export EHR_STATE_DIR=${2:?--stack needs a folder}; shift 2 ;;
    --port-offset) offset=${2:?--port-offset needs a number}; shift 2 ;;
    --uploads) uploads=${2:?}; shift 2 ;;
    --bookings) bookings=${2:?}; shift 2 ;;
    --outage) outage=${2:?}; shift 2 ;;
    --faults) export EHR_FAULTS_COMPONENTS=${2:?--faults needs a list}; shift 2 ;;
    --keep-report) keep_report=1; shift ;;
    --frozen-jars) frozen=1; shift ;;
    -h | --help) usage 0 ;;
    *) echo "faults: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $offset =~ ^[0-9]+$ ]] || { echo "faults: --port-offset must be a number" >&2; exit 2; }

# Same defaults as deploy/local/platform, shifted by the offset; a variable already set wins.
default_ports "$offset" export
stack_urls
stack_paths
export EHR_STATE_DIR=$STATE
export EHR_FAULTS_UPLOADS=$uploads EHR_FAULTS_BOOKINGS=$bookings EHR_FAULTS_OUTAGE_S=$outage

echo "faults: stack $EHR_STATE_DIR, gateway :$EHR_GATEWAY_PORT (port offset $offset)"
if ((frozen)); then
  # A copy of the platform script (it runs the jars found beside itself) and of each service's jar.
  # An existing copy is kept (services may run from it): delete <stack>/frozen to take fresh jars.
  copy=$EHR_STATE_DIR/frozen
  if [[ ! -f $copy/.complete ]]; then
    rm -rf "$copy"
    mkdir -p "$copy/deploy"
    cp -a "$ROOT/deploy/local" "$ROOT/deploy/keycloak" "$copy/deploy/"
    for name in identity-service records-service consent-service appointment-service notification-service \
      chain-anchor-service exchange-service; do
      [[ -f $ROOT/$name/target/quarkus-app/quarkus-run.jar ]] || die "$name is not built"
      mkdir -p "$copy/$name/target"
      cp -a "$ROOT/$name/target/quarkus-app" "$copy/$name/target/"
    done
    touch "$copy/.complete"
  fi
  echo "faults: services run from the jars copied to $copy on $(date -r "$copy/.complete" '+%F %T')"
  "$HERE/platform" up infra contracts # the contracts are deployed from the checkout
  export EHR_SKIP_BUILD=1 EHR_FAULTS_PLATFORM=$copy/deploy/local/platform
  "$EHR_FAULTS_PLATFORM" up
else
  "$HERE/platform" up
fi

report=$ROOT/system-tests/target/faults-report.md
rm -f "$report"
rc=0
(cd "$ROOT" && mvn -B -ntp -pl system-tests -DskipStack verify -Pfaults) || rc=$?
if [[ -f $report ]]; then
  if ((keep_report)); then
    echo "faults: report $report (docs/faults.md left as it is)"
  else
    cp "$report" "$ROOT/docs/faults.md"
    echo "faults: report $report, copied to docs/faults.md"
  fi
else
  echo "faults: the driver wrote no report (see the Maven output above)" >&2
  ((rc != 0)) || rc=1
fi
exit "$rc"
