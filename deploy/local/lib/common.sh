# shellcheck shell=bash
# What deploy/local/platform, bench.sh and faults.sh share: the checkout and state paths, the ports
# and the environment every service reads, output helpers. Sourced (HERE is the folder of the
# script that sources it, deploy/local or a frozen copy of it); defines, and runs nothing.

ROOT=$(cd "$HERE/../.." && pwd)

# ---------------------------------------------------------------------------------------------
# Paths: all state lives in <repo>/.local, or EHR_STATE_DIR
# ---------------------------------------------------------------------------------------------
# STATE, TOOLS, DATA, LOGS, RUN and CONTRACTS_ENV are read by the files that source this one:
# shellcheck disable=SC2034 # (so they look unused here)
stack_paths() {
  mkdir -p "${EHR_STATE_DIR:-$ROOT/.local}"
  STATE=$(cd "${EHR_STATE_DIR:-$ROOT/.local}" && pwd)
  TOOLS=$STATE/tools
  DATA=$STATE/data
  LOGS=$STATE/logs
  RUN=$STATE/run
  CONTRACTS_ENV=$STATE/contracts.env
}

# ---------------------------------------------------------------------------------------------
# Ports and the environment every service reads (exported; each can be overridden).
# ---------------------------------------------------------------------------------------------
# Every port variable and its default; faults.sh shifts them all by its --port-offset.
PORT_DEFAULTS=(EHR_DB_PORT=3306 EHR_KAFKA_PORT=9092 EHR_KAFKA_CONTROLLER_PORT=9093 EHR_S3_PORT=9000
  EHR_CHAIN_PORT=8545 EHR_KEYCLOAK_PORT=8180 EHR_KEYCLOAK_MGMT_PORT=8190 EHR_SMTP_PORT=1025
  EHR_MAIL_API_PORT=8025 EHR_GATEWAY_PORT=8080 EHR_IDENTITY_PORT=8081 EHR_RECORDS_PORT=8082
  EHR_CONSENT_PORT=8083 EHR_APPOINTMENT_PORT=8084 EHR_NOTIFICATION_PORT=8085 EHR_CHAIN_ANCHOR_PORT=8086
  EHR_EXCHANGE_PORT=8087)

# Sets each port variable that is unset or empty to its default plus OFFSET (0 by default); with
# "export", exports all of them.
default_ports() {
  local offset=${1:-0} mode=${2:-} pair var
  for pair in "${PORT_DEFAULTS[@]}"; do
    var=${pair%%=*}
    [[ -n ${!var:-} ]] || printf -v "$var" '%s' $((${pair#*=} + offset))
    [[ $mode != export ]] || export "${var?}"
  done
}

# What the services call each other, Keycloak and the chain by: derived from the ports, so that a
# second stack on shifted ports (faults.sh --port-offset) never talks to the first.
stack_urls() {
  : "${EHR_KEYCLOAK_URL:=http://localhost:$EHR_KEYCLOAK_PORT}"
  : "${EHR_KEYCLOAK_ISSUER:=$EHR_KEYCLOAK_URL/realms/ehr}"
  : "${EHR_KEYCLOAK_JWKS:=$EHR_KEYCLOAK_URL/realms/ehr/protocol/openid-connect/certs}"
  : "${EHR_IDENTITY_URL:=http://localhost:$EHR_IDENTITY_PORT}"
  : "${EHR_CONSENT_URL:=http://localhost:$EHR_CONSENT_PORT}"
  : "${EHR_CHAIN_ANCHOR_URL:=http://localhost:$EHR_CHAIN_ANCHOR_PORT}"
  : "${EHR_PORTAL_URL:=http://localhost:$EHR_GATEWAY_PORT}"
  : "${EHR_CHAIN_RPC_URL:=http://localhost:$EHR_CHAIN_PORT}"
  export EHR_KEYCLOAK_URL EHR_KEYCLOAK_ISSUER EHR_KEYCLOAK_JWKS EHR_IDENTITY_URL EHR_CONSENT_URL \
    EHR_CHAIN_ANCHOR_URL EHR_PORTAL_URL EHR_CHAIN_RPC_URL
}

# The whole environment of deploy/local/platform and of what it starts.
platform_env() {
  default_ports 0
  : "${EHR_DB_HOST:=127.0.0.1}" "${EHR_DB_USER:=ehr}" "${EHR_DB_PASSWORD:=ehr}"
  : "${EHR_KAFKA_BOOTSTRAP:=localhost:$EHR_KAFKA_PORT}"
  : "${EHR_S3_ENDPOINT:=http://localhost:$EHR_S3_PORT}" "${EHR_S3_BUCKET:=ehr-records}"
  : "${EHR_S3_ACCESS_KEY:=ehr-local}" "${EHR_S3_SECRET_KEY:=ehr-local-secret}"
  : "${EHR_CHAIN_ID:=31337}"
  : "${EHR_SMTP_HOST:=127.0.0.1}"
  stack_urls
  # PUBLIC, LOCAL-ONLY keys: anvil's well-known dev accounts 0 (deployer) and 1 (chain writer),
  # derived from the "test test ... junk" mnemonic. Never use them on a real chain.
  : "${EHR_CHAIN_DEPLOYER_KEY:=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80}"
  : "${EHR_CHAIN_WRITER_KEY:=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d}"
  : "${EHR_CHAIN_WRITER_ADDRESS:=0x70997970c51812dc3a010c7d01b50e0d17dc79c8}"
  : "${EHR_SERVICE_XMX:=256m}"
  export EHR_DB_HOST EHR_DB_PORT EHR_DB_USER EHR_DB_PASSWORD EHR_KAFKA_BOOTSTRAP EHR_KAFKA_PORT \
    EHR_KEYCLOAK_PORT EHR_S3_ENDPOINT EHR_S3_PORT EHR_S3_ACCESS_KEY EHR_S3_SECRET_KEY \
    EHR_S3_BUCKET EHR_CHAIN_PORT EHR_CHAIN_ID EHR_CHAIN_WRITER_KEY \
    EHR_CHAIN_DEPLOYER_KEY EHR_CHAIN_WRITER_ADDRESS EHR_SMTP_HOST EHR_SMTP_PORT EHR_MAIL_API_PORT \
    EHR_GATEWAY_PORT EHR_IDENTITY_PORT EHR_RECORDS_PORT EHR_CONSENT_PORT EHR_APPOINTMENT_PORT \
    EHR_NOTIFICATION_PORT EHR_CHAIN_ANCHOR_PORT EHR_EXCHANGE_PORT
  # MariaDB announces itself as MySQL 5.7 (see conf/my.cnf); only the local stack turns the check off.
  export QUARKUS_HIBERNATE_ORM_DATABASE_VERSION_CHECK_ENABLED=false
}

# ---------------------------------------------------------------------------------------------
# Output and small helpers
# ---------------------------------------------------------------------------------------------
say() { printf '%s\n' "$*"; }
# Prefixed with the command's name: "platform: ...", "bench: ...", "faults: ...".
die() {
  local prog=${0##*/}
  printf '%s: %s\n' "${prog%.sh}" "$*" >&2
  exit 1
}
line() { printf '  %-21s %s\n' "$1" "$2"; }
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
secs() { printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100)); }
contains() { local x=$1; shift; local y; for y in "$@"; do [[ $x == "$y" ]] && return 0; done; return 1; }

# Writes a template to a file, replacing each @NAME@ by the value of the given NAME=VALUE pairs.
render() {
  local template=$1 out=$2 content pair
  shift 2
  content=$(<"$template")
  for pair in "$@"; do
    content=${content//@${pair%%=*}@/${pair#*=}}
  done
  printf '%s\n' "$content" >"$out"
}

# The command's own header comment (from line 2 to `set -euo`), then exit STATUS (default 2).
usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}
