# shellcheck shell=bash
# The Quarkus services: their ports and jars, building them when a jar is stale, their
# environment (services.env, contracts.env), starting them and their readiness. Sourced by
# deploy/local/platform.

service_port() {
  case $1 in
    identity-service) echo "$EHR_IDENTITY_PORT" ;;
    records-service) echo "$EHR_RECORDS_PORT" ;;
    consent-service) echo "$EHR_CONSENT_PORT" ;;
    appointment-service) echo "$EHR_APPOINTMENT_PORT" ;;
    notification-service) echo "$EHR_NOTIFICATION_PORT" ;;
    chain-anchor-service) echo "$EHR_CHAIN_ANCHOR_PORT" ;;
    exchange-service) echo "$EHR_EXCHANGE_PORT" ;;
  esac
}

service_jar() { echo "$ROOT/$1/target/quarkus-app/quarkus-run.jar"; }

start_service() {
  local name=$1
  mkdir -p "$DATA/$name"
  # Working directory in the state dir: Quarkus reads .env and config/ from there.
  # shellcheck disable=SC2086 # EHR_SERVICE_JAVA_OPTS is a list of options
  launch "$name" "$DATA/$name" java -Xmx"$EHR_SERVICE_XMX" ${EHR_SERVICE_JAVA_OPTS:-} \
    -jar "$(service_jar "$name")"
}
ready_service() { http_ok "http://127.0.0.1:$(service_port "$1")/q/health/ready"; }

# Builds the services once when a jar is missing or older than any source or pom.
build_services() {
  local name jar stale=0 oldest="" t
  [[ -n ${EHR_SKIP_BUILD:-} ]] && return 0
  for name in "${SERVICES[@]}"; do
    jar=$(service_jar "$name")
    if [[ ! -f $jar ]]; then stale=1; break; fi
    if [[ -z $oldest || $jar -ot $oldest ]]; then oldest=$jar; fi
  done
  if ((stale == 0)) && [[ -n $oldest ]]; then
    local srcs=()
    for name in "${SERVICES[@]}" platform-events platform-support contracts; do
      [[ -d $ROOT/$name/src ]] && srcs+=("$ROOT/$name/src")
    done
    if [[ -n $(find "${srcs[@]}" -type f -newer "$oldest" -print -quit 2>/dev/null) ||
      -n $(find "$ROOT" -name pom.xml -newer "$oldest" -not -path "$STATE/*" -not -path "$ROOT/deploy/*" \
        -not -path '*/node_modules/*' -not -path '*/target/*' -print -quit 2>/dev/null) ]]; then
      stale=1
    fi
  fi
  ((stale)) || return 0
  say "  building the services: mvn -B -q -DskipTests -DskipStack package (log: $LOGS/build.log)"
  t=$(now_ms)
  [[ -f $LOGS/build.log ]] && mv -f "$LOGS/build.log" "$LOGS/build.log.1"
  (cd "$ROOT" && mvn -B -q -DskipTests -DskipStack package) >>"$LOGS/build.log" 2>&1 </dev/null 9>&- ||
    fail build "mvn package failed"
  say "  built in $(secs $(($(now_ms) - t)))"
}

# Exports the KEY=VALUE lines of a file; with "keep", a variable already set stays as it is.
load_env_file() {
  local file=$1 mode=${2:-} key value
  [[ -f $file ]] || return 0
  while IFS='=' read -r key value; do
    [[ $key =~ ^[A-Z][A-Z0-9_]*$ ]] || continue
    [[ $mode == keep && -n ${!key+x} ]] && continue
    export "$key=$value"
  done <"$file"
}

up_services() {
  local name ready=()
  build_services
  load_env_file "$HERE/services.env" keep
  load_env_file "$CONTRACTS_ENV"
  for name in "$@"; do
    if [[ -f $(service_jar "$name") ]]; then
      ready+=("$name")
    else
      line "$name" "skipped: $name not built"
    fi
  done
  ((${#ready[@]} == 0)) || up_group "${ready[@]}"
}
