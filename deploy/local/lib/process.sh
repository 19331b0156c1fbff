# shellcheck shell=bash
# Processes of deploy/local/platform: ports and HTTP probes, pid files, which stack a process belongs
# to, starting a server detached (launch) and reporting a failed one (fail). Sourced; needs STATE,
# RUN and LOGS (common.sh stack_paths).

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_code() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$@" 2>/dev/null || true; } # later -m wins
http_ok() { [[ $(http_code "$1") == 200 ]]; }

# Who listens on a port, when ss can tell (for error messages only).
port_owner() {
  command -v ss >/dev/null || return 0
  ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1
}

# A process is alive until it exits; a zombie waiting for init to reap it counts as gone.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  [[ ${stat##*) } != Z* ]]
}

pid_of() { if [[ -f $RUN/$1.pid ]]; then cat "$RUN/$1.pid"; fi; }

# A component runs when its pid file names a live process that launch() started from this state
# dir, which survives pid reuse after a reboot: its environment says so, or (nginx rewrites its
# environment area for its process title) its command line names the state dir.
is_running() {
  local pid
  pid=$(pid_of "$1")
  [[ -n $pid ]] && alive "$pid" || return 1
  grep -qzxF "EHR_LOCAL_STATE=$STATE" "/proc/$pid/environ" 2>/dev/null ||
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$STATE/"
}

# A component served by this script from another state dir (another checkout of the project, e.g.
# a CI clone beside a developer's stack): prints that state dir. Same ports, same local
# credentials, so it is used as it is, and left alone by down.
other_stack() {
  local f dir
  while IFS= read -r -d '' f; do
    alive "$(basename "$(dirname "$f")")" || continue
    dir=$(grep -zx 'EHR_LOCAL_STATE=.*' "$f" 2>/dev/null | tr -d '\0')
    dir=${dir#EHR_LOCAL_STATE=}
    if [[ -n $dir && $dir != "$STATE" ]]; then
      echo "$dir"
      return 0
    fi
  done < <(grep -lZzx "EHR_LOCAL_COMPONENT=$1" /proc/[0-9]*/environ 2>/dev/null || true)
  return 0
}

# What to signal to stop a component's process: when the pid leads its own process group (launch
# starts it with setsid), the group (-pid), so helpers go with it; else the pid.
signal_target() {
  local pid=$1 stat pgrp
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || true
  read -r _ _ pgrp _ <<<"${stat##*) }"
  if [[ $pgrp == "$pid" ]]; then echo "-$pid"; else echo "$pid"; fi
}

# Starts a server detached from this shell (own session, no inherited stdio or lock), recording
# its pid. The log of the previous run is kept as NAME.log.1.
launch() {
  local name=$1 dir=$2
  shift 2
  [[ -f $LOGS/$name.log ]] && mv -f "$LOGS/$name.log" "$LOGS/$name.log.1"
  rm -f "$RUN/$name.pid"
  (
    cd "$dir" || exit
    # Marks the process as this stack's (another checkout's script recognises it, see other_stack()).
    export EHR_LOCAL_COMPONENT=$name EHR_LOCAL_STATE=$STATE
    # shellcheck disable=SC2016 # $$ and $0 belong to the inner shell
    setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$RUN/$name.pid" "$@" \
      >>"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
  )
  for _ in $(seq 250); do # up to 5 s
    [[ -s $RUN/$name.pid ]] && return 0
    sleep 0.02
  done
  die "$name did not start (see $LOGS/$name.log)"
}

fail() {
  local name=$1 why=$2
  line "$name" "FAILED: $why"
  if [[ -f $LOGS/$name.log ]]; then
    say "---- last 30 lines of $LOGS/$name.log ----"
    tail -n 30 "$LOGS/$name.log"
    say "----"
  fi
  exit 1
}
