# shellcheck shell=bash
# The commands of deploy/local/platform: up (with its summary), down, kill, status, logs, reset,
# reanchor.
# Sourced by deploy/local/platform, whose main() calls them.
# STATE, INFRA and SERVICES are set in common.sh and components.sh, not misspelt locals:
# shellcheck disable=SC2153

summary() {
  local want=("$@") name
  say ""
  say "EHR platform, local stack (state: $STATE)"
  contains gateway "${want[@]}" && line gateway "http://localhost:$EHR_GATEWAY_PORT/api/...   (GET /healthz)"
  for name in "${SERVICES[@]}"; do
    contains "$name" "${want[@]}" && line "$name" "http://localhost:$(service_port "$name")   (/q/health/ready, /q/swagger-ui)"
  done
  if contains keycloak "${want[@]}"; then
    line keycloak "http://localhost:$EHR_KEYCLOAK_PORT/admin/   (admin / admin)"
    line "" "issuer http://localhost:$EHR_KEYCLOAK_PORT/realms/ehr"
  fi
  contains greenmail "${want[@]}" && line greenmail "smtp://127.0.0.1:$EHR_SMTP_PORT   API http://localhost:$EHR_MAIL_API_PORT/api/user/{email}/messages/INBOX"
  contains anvil "${want[@]}" && line anvil "http://localhost:$EHR_CHAIN_PORT   (chain id $EHR_CHAIN_ID)"
  contains contracts "${want[@]}" && [[ -f $CONTRACTS_ENV ]] && line contracts "$CONTRACTS_ENV"
  contains s3 "${want[@]}" && line s3 "http://localhost:$EHR_S3_PORT   (ehr-local / ehr-local-secret, bucket $EHR_S3_BUCKET)"
  contains mariadb "${want[@]}" && line mariadb "127.0.0.1:$EHR_DB_PORT   ($EHR_DB_USER / $EHR_DB_PASSWORD, databases ehr_<service>[_test])"
  contains kafka "${want[@]}" && line kafka "$EHR_KAFKA_BOOTSTRAP"
  if contains keycloak "${want[@]}"; then
    say "Local-only accounts (realm ehr): admin@ehr.local / admin-pass (admin), auditor@ehr.local / auditor-pass (auditor)"
    say "  token: curl -s -d grant_type=password -d client_id=ehr-portal -d username=admin@ehr.local -d password=admin-pass \\"
    say "           http://localhost:$EHR_KEYCLOAK_PORT/realms/ehr/protocol/openid-connect/token"
  fi
  return 0
}

cmd_up() {
  local want=("$@") infra=() services=() name
  for name in "${want[@]}"; do
    if contains "$name" "${INFRA[@]}"; then infra+=("$name"); fi
    if contains "$name" "${SERVICES[@]}"; then services+=("$name"); fi
  done
  check_ports "${want[@]}"
  ((${#infra[@]} == 0)) || up_group "${infra[@]}"
  # Services read the contract addresses when they start: deploy (idempotent) before starting any.
  if contains contracts "${want[@]}" || ((${#services[@]} > 0)); then up_contracts; fi
  ((${#services[@]} == 0)) || up_services "${services[@]}"
  if contains gateway "${want[@]}"; then up_group gateway; fi
  summary "${want[@]}"
}

stop_component() {
  local name=$1 pid t i
  if ! is_running "$name"; then
    rm -f "$RUN/$name.pid"
    return 0
  fi
  pid=$(pid_of "$name")
  t=$(now_ms)
  local target
  target=$(signal_target "$pid")
  kill -TERM -- "$target" 2>/dev/null || true
  for i in $(seq 200); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL -- "$target" 2>/dev/null || true
    line "$name" "killed after 20s   pid $pid"
  else
    line "$name" "stopped in $(secs $(($(now_ms) - t)))   pid $pid"
  fi
  rm -f "$RUN/$name.pid"
}

# A crash: SIGKILL to the component's process group, no shutdown hooks, no flush. Fault tests and
# the fault-injection script use it; `up` starts the component again.
cmd_kill() {
  local name pid target i
  for name in "$@"; do
    if ! is_running "$name"; then
      line "$name" "not running"
      continue
    fi
    pid=$(pid_of "$name")
    target=$(signal_target "$pid")
    kill -KILL -- "$target" 2>/dev/null || true
    for i in $(seq 100); do
      alive "$pid" || break
      sleep 0.05
    done
    rm -f "$RUN/$name.pid"
    line "$name" "killed (SIGKILL)   pid $pid"
  done
}

cmd_down() {
  local i name
  for ((i = ${#ALL[@]} - 1; i >= 0; i--)); do
    name=${ALL[i]}
    [[ $name == contracts ]] && continue
    contains "$name" "$@" && stop_component "$name"
  done
  return 0
}

cmd_status() {
  local name state ports
  for name in "${ALL[@]}"; do
    if [[ $name == contracts ]]; then
      if [[ -f $CONTRACTS_ENV ]]; then line contracts "$CONTRACTS_ENV"; else line contracts "not deployed"; fi
      continue
    fi
    ports=$(ports_of "$name")
    if is_running "$name"; then
      ready_component "$name" && state=up || state=starting
      printf '  %-21s %-8s pid %-7s :%s\n' "$name" "$state" "$(pid_of "$name")" "${ports// /,:}"
    elif port_open "${ports%% *}"; then
      local other
      other=$(other_stack "$name")
      if [[ -n $other ]]; then
        printf '  %-21s %-8s %-11s :%s (the stack of %s)\n' "$name" up "" "${ports// /,:}" "$other"
      else
        printf '  %-21s %-8s %-11s :%s (port used by another process)\n' "$name" taken "" "${ports// /,:}"
      fi
    elif [[ $name == *-service && ! -f $(service_jar "$name") ]]; then
      printf '  %-21s %-8s %-11s :%s (not built)\n' "$name" down "" "${ports// /,:}"
    else
      printf '  %-21s %-8s %-11s :%s\n' "$name" down "" "${ports// /,:}"
    fi
  done
}

cmd_logs() {
  local name="" lines=""
  while (($#)); do
    case $1 in
      -n) lines=${2:?-n needs a number}; shift 2 ;;
      -n*) lines=${1#-n}; shift ;;
      *) name=$1; shift ;;
    esac
  done
  [[ -n $name ]] || die "usage: platform logs NAME [-n LINES]"
  local file=$LOGS/$name.log
  [[ -f $file ]] || die "no log $file (names: ${ALL[*]} build install gateway-access)"
  if [[ -n $lines ]]; then
    tail -n "$lines" "$file"
  elif [[ -t 1 ]]; then
    tail -n 200 -f "$file"
  else
    tail -n 200 "$file"
  fi
}

cmd_reset() {
  cmd_down "${ALL[@]}"
  rm -rf "$DATA" "$LOGS" "$STATE/contracts.env" "$STATE/contracts.json"
  rm -f "$RUN"/*.pid "$RUN/mariadb.sock"
  [[ ${1:-} == --tools ]] && rm -rf "$TOOLS"
  say "  reset: removed $DATA, $LOGS${1:+ and $TOOLS}"
}

# After the chain was replaced under the kept databases (anvil's state lost or wiped while MariaDB
# kept everything): chain-anchor-service is not ready ("Chain identity") and writes nothing until the
# new chain is adopted. This deploys the contracts again (the same deployer on a fresh chain gives the
# same addresses; services that read them are restarted if they moved) and restarts
# chain-anchor-service with EHR_CHAIN_ADOPT set to the new chain's genesis hash: it withdraws every
# announced anchor, anchors every record again and sends every patient registration, grant and
# revocation again, in order. Running it again on the adopted chain changes nothing.
cmd_reanchor() {
  local before after genesis
  up_group anvil
  before=$(cat "$CONTRACTS_ENV" 2>/dev/null || true)
  up_contracts
  after=$(cat "$CONTRACTS_ENV" 2>/dev/null || true)
  genesis=$(rpc '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0x0",false]}' |
    grep -o '"hash":"0x[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)
  [[ -n $genesis ]] || die "anvil does not answer block 0"
  if [[ $before != "$after" ]]; then
    say "contract addresses moved: restarting identity-service and consent-service, which read them"
    cmd_down identity-service consent-service
    up_services identity-service consent-service
  fi
  cmd_down chain-anchor-service
  export EHR_CHAIN_ADOPT=$genesis
  up_services chain-anchor-service
  line chain-anchor-service "on the chain with genesis $genesis (its log: what was withdrawn and sent again)"
}
