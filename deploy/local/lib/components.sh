# shellcheck shell=bash
# The components and groups, their ports, the dispatch of install/start/ready/after by name, and
# `up` of a group of components (start together, report each when ready). Sourced by
# deploy/local/platform.

INFRA=(mariadb kafka s3 anvil keycloak greenmail)
SERVICES=(identity-service records-service consent-service appointment-service notification-service chain-anchor-service
  exchange-service)
ALL=("${INFRA[@]}" contracts "${SERVICES[@]}" gateway)

ports_of() {
  case $1 in
    mariadb) echo "$EHR_DB_PORT" ;;
    kafka) echo "$EHR_KAFKA_PORT $EHR_KAFKA_CONTROLLER_PORT" ;;
    s3) echo "$EHR_S3_PORT" ;;
    anvil) echo "$EHR_CHAIN_PORT" ;;
    keycloak) echo "$EHR_KEYCLOAK_PORT $EHR_KEYCLOAK_MGMT_PORT" ;;
    greenmail) echo "$EHR_SMTP_PORT $EHR_MAIL_API_PORT" ;;
    gateway) echo "$EHR_GATEWAY_PORT" ;;
    *-service) service_port "$1" ;;
  esac
}

# Dispatch by component name.
install_component() {
  case $1 in
    *-service) ;;
    *) "install_$1" ;;
  esac
}
start_component() { case $1 in *-service) start_service "$1" ;; *) "start_$1" ;; esac; }
ready_component() { case $1 in *-service) ready_service "$1" ;; *) "ready_$1" ;; esac; }
after_component() {
  case $1 in
    mariadb | keycloak | gateway) "after_$1" ;;
    *) ;;
  esac
}
deadline_s() {
  case $1 in
    keycloak) ((KEYCLOAK_FRESH)) && echo 180 || echo 120 ;;
    *-service) echo 90 ;;
    *) echo 60 ;;
  esac
}

# Expands groups and names into components, in platform order.
expand() {
  local arg name picked=()
  for arg in "$@"; do
    case $arg in
      all) picked+=("${ALL[@]}") ;;
      infra) picked+=("${INFRA[@]}") ;;
      services) picked+=("${SERVICES[@]}") ;;
      *) contains "$arg" "${ALL[@]}" || die "unknown component '$arg' (groups: infra services; components: ${ALL[*]})"
        picked+=("$arg") ;;
    esac
  done
  for name in "${ALL[@]}"; do
    contains "$name" "${picked[@]}" && echo "$name"
  done
  return 0
}

# Components already served by the stack of another state dir (see other_stack): name -> that dir.
declare -A ADOPTED=()

# Refuses to start anything when a port of a component that is down is taken by someone else.
check_ports() {
  local name port owner
  for name in "$@"; do
    is_running "$name" && continue
    for port in $(ports_of "$name"); do
      if port_open "$port"; then
        owner=$(other_stack "$name")
        if [[ -n $owner ]]; then
          ADOPTED[$name]=$owner
          break
        fi
        owner=$(port_owner "$port")
        die "port $port ($name) is already in use by another process${owner:+ ($owner)}, not one this script started; stop it or set another port (see deploy/local/README.md)"
      fi
    done
  done
}

# Starts the given components together, then reports each as it becomes ready.
up_group() {
  local name pending=() started=() now
  declare -A t0=()
  for name in "$@"; do [[ -n ${ADOPTED[$name]:-} ]] || install_component "$name"; done
  for name in "$@"; do
    if [[ -n ${ADOPTED[$name]:-} ]]; then
      line "$name" "already up   (the stack of ${ADOPTED[$name]})"
      continue
    fi
    if is_running "$name"; then
      if ready_component "$name"; then
        after_component "$name"
        line "$name" "already up   pid $(pid_of "$name")"
        continue
      fi
    else
      t0[$name]=$(now_ms)
      start_component "$name"
      started+=("$name")
    fi
    [[ -n ${t0[$name]:-} ]] || t0[$name]=$(now_ms)
    pending+=("$name")
  done
  while ((${#pending[@]})); do
    local still=()
    for name in "${pending[@]}"; do
      now=$(now_ms)
      if ready_component "$name"; then
        after_component "$name"
        local ports
        ports=$(ports_of "$name")
        printf '  %-21s up   pid %-7s :%-11s ready in %s\n' "$name" "$(pid_of "$name")" \
          "${ports// /,:}" "$(secs $((now - ${t0[$name]})))"
      elif ! is_running "$name"; then
        fail "$name" "exited during start"
      elif ((now - ${t0[$name]} > $(deadline_s "$name") * 1000)); then
        fail "$name" "not ready after $(deadline_s "$name")s"
      else
        still+=("$name")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]})) && sleep 0.2
  done
  return 0
}
