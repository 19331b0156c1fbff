# shellcheck shell=bash
# The helpers of deploy/local/bench.sh: the suites, their Maven commands, running them one after
# the other (logs and runs.tsv in <state>/bench) and the report (lib/bench-report.cjs, Node).
# Sourced after common.sh; reads bench.sh's options (SUITES, MVN_ARGS, RESTART, UP, NOTE, OUT) and
# LOGDIR.

ALL_SUITES=(records consent chain-anchor appointment notification system)

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

suite_of() {
  case $1 in
    records | records-service) echo records ;;
    consent | consent-service) echo consent ;;
    chain-anchor | chain-anchor-service | anchor) echo chain-anchor ;;
    appointment | appointments | appointment-service) echo appointment ;;
    notification | notifications | notification-service) echo notification ;;
    system | system-tests) echo system ;;
    *) die "unknown suite '$1' (suites: ${ALL_SUITES[*]})" ;;
  esac
}

# The Maven command of a suite (the benches' own, see each module's README).
mvn_command() {
  local common=(mvn -B -ntp -DskipStack)
  case $1 in
    records) echo "${common[*]} -pl records-service -Pbench package" ;;
    consent) echo "${common[*]} -pl consent-service -Pbench verify" ;;
    chain-anchor) echo "${common[*]} -pl chain-anchor-service -Pbench verify" ;;
    appointment) echo "${common[*]} -pl appointment-service -Pbench verify" ;;
    notification) echo "${common[*]} -pl notification-service -Pbench verify" ;;
    system) echo "${common[*]} -pl system-tests -Pbench verify -Dbench.restart=$RESTART" ;;
  esac
}

# SUITES in platform order, each once.
order_suites() {
  local s t ordered=()
  for s in "${ALL_SUITES[@]}"; do
    for t in "${SUITES[@]}"; do [[ $s == "$t" ]] && { ordered+=("$s"); break; }; done
  done
  SUITES=("${ordered[@]}")
}

# Runs every suite of SUITES (after `platform up`, unless --no-up), one after the other.
run_suites() {
  local suite cmd commit before after t0 t1 rc paused figures
  say "bench: suites ${SUITES[*]}; logs in $LOGDIR"
  loadavg >"$LOGDIR/load-before"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$LOGDIR/started"
  if ((UP)); then
    say "bench: deploy/local/platform up (load average $(loadavg))"
    "$HERE/platform" up >"$LOGDIR/platform-up.log" 2>&1 ||
      { tail -n 30 "$LOGDIR/platform-up.log"; die "platform up failed (see $LOGDIR/platform-up.log)"; }
  fi
  # runs.tsv keeps the last run of every suite (--report-only can report them together).
  touch "$LOGDIR/runs.tsv"
  for suite in "${SUITES[@]}"; do
    awk -F'\t' -v s="$suite" '$1 != s' "$LOGDIR/runs.tsv" >"$LOGDIR/runs.tsv.new"
    mv -f "$LOGDIR/runs.tsv.new" "$LOGDIR/runs.tsv"
  done
  for suite in "${SUITES[@]}"; do
    cmd=$(mvn_command "$suite")
    ((${#MVN_ARGS[@]} == 0)) || cmd+=" ${MVN_ARGS[*]}"
    commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo '?')
    [[ -z $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]] || commit+="+uncommitted"
    before=$(loadavg)
    t0=$(date +%s)
    say "bench: $suite: $cmd (load average $before)"
    rc=0
    # The chain-anchor benchmarks measure the anchoring pipeline (Kafka, MariaDB, anvil and their own
    # chain-anchor-service in the test JVM) on the machine's cores, as issue 3's target states it. The
    # platform's services would share those cores with it: its chain-anchor-service would anchor the
    # same 120,000 events beside the measured one, notification-service reads every RecordStored and
    # records-service every BatchAnchored. They are stopped for the suite and started again afterwards
    # (with them running, the throughput was 8,100-10,400 records/s instead of 13,200-13,600).
    paused=0
    if [[ $suite == chain-anchor ]] && [[ $("$HERE/platform" status 2>/dev/null || true) =~ chain-anchor-service\ +up ]]; then
      say "bench: $suite: stopping the platform's services for the suite (the pipeline alone is measured)"
      "$HERE/platform" down services >>"$LOGDIR/platform-up.log" 2>&1 && paused=1
    fi
    # shellcheck disable=SC2086 # the command is a list of words
    (cd "$ROOT" && $cmd) >"$LOGDIR/$suite.log" 2>&1 </dev/null || rc=$?
    if ((paused)); then
      EHR_SKIP_BUILD=1 "$HERE/platform" up services >>"$LOGDIR/platform-up.log" 2>&1 ||
        say "bench: starting the services again failed (see $LOGDIR/platform-up.log)"
    fi
    t1=$(date +%s)
    after=$(loadavg)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$suite" "$rc" "$(date -u -d "@$t0" +%Y-%m-%dT%H:%M:%SZ)" \
      "$((t1 - t0))" "$before" "$after" "$cmd" "$commit" >>"$LOGDIR/runs.tsv"
    figures=$(grep -c '^BENCH-FIGURE ' "$LOGDIR/$suite.log" || true)
    say "bench: $suite: exit $rc in $((t1 - t0)) s, $figures structured figures (load average $after)"
  done
  loadavg >"$LOGDIR/load-after"
}

# --report-only: keeps, of SUITES (all by default), those that ran before.
last_run_suites() {
  [[ -f $LOGDIR/runs.tsv ]] || die "no earlier run in $LOGDIR"
  local t
  mapfile -t SUITES < <(for t in "${SUITES[@]}"; do cut -f1 "$LOGDIR/runs.tsv" | grep -qx "$t" && echo "$t"; done)
}

# Writes docs/benchmarks.md, .json and the charts from the logs of SUITES (lib/bench-report.cjs).
write_report() {
  BENCH_ROOT=$ROOT BENCH_LOGDIR=$LOGDIR BENCH_OUT=$OUT BENCH_NOTE=$NOTE BENCH_SUITES="${SUITES[*]}" \
    node "$HERE/lib/bench-report.cjs"
}
