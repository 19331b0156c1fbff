# shellcheck shell=bash
# Installing what is missing, once: Debian packages (apt), and the servers' downloads under
# <state>/tools (Maven Central through tools/pom.xml, anvil through npm and tools/package.json).
# Output goes to <state>/logs/install.log. Sourced by deploy/local/platform after stack_paths.

KAFKA_VERSION=4.1.2
KEYCLOAK_VERSION=26.5.6
S3PROXY_VERSION=4.1.0
GREENMAIL_VERSION=2.1.13

APT_UPDATED=0
ensure_apt() {
  local pkg missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  [[ $EUID -eq 0 ]] || die "missing packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})"
  local t
  t=$(now_ms)
  say "  installing ${missing[*]} (apt)"
  # Keep the packages' own services from starting (and taking ports 3306 and 80): a policy-rc.d
  # that denies every start, only for this install, and only if the machine has none.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  fi
  local rc=0
  {
    if ((APT_UPDATED == 0)); then apt-get update -q && APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o DPkg::Lock::Timeout=300 "${missing[@]}"
  } >>"$LOGS/install.log" 2>&1 || rc=$?
  ((own_policy)) && rm -f "$policy"
  ((rc == 0)) || { tail -n 30 "$LOGS/install.log"; die "apt-get install ${missing[*]} failed (see $LOGS/install.log)"; }
  installed "${missing[*]}" "$t"
}

installed() { say "  installed $1 in $(secs $(($(now_ms) - $2)))"; }

# Runs the throwaway tools pom (pins maven-dependency-plugin); output goes to install.log.
tools_mvn() {
  mvn -B -q -f "$HERE/tools/pom.xml" "$@" >>"$LOGS/install.log" 2>&1 ||
    { tail -n 30 "$LOGS/install.log"; die "mvn $* failed (see $LOGS/install.log)"; }
}

fetch_artifact() { # GAV[:type[:classifier]] DEST_DIR
  tools_mvn dependency:copy -Dartifact="$1" -DoutputDirectory="$2" -Dmdep.overWriteReleases=true
}

install_mariadb() { ensure_apt mariadb-server; }
install_gateway() { ensure_apt nginx; }

KAFKA_HOME=$TOOLS/kafka-$KAFKA_VERSION
install_kafka() {
  [[ -f $KAFKA_HOME/.complete ]] && return 0
  local t
  t=$(now_ms)
  say "  installing kafka $KAFKA_VERSION (Maven Central)"
  rm -rf "$KAFKA_HOME"
  tools_mvn dependency:copy-dependencies -DoutputDirectory="$KAFKA_HOME/libs" -DincludeScope=runtime
  touch "$KAFKA_HOME/.complete"
  installed kafka "$t"
}

S3PROXY_JAR=$TOOLS/s3proxy/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
install_s3() {
  [[ -f $S3PROXY_JAR ]] && return 0
  local t
  t=$(now_ms)
  say "  installing s3proxy $S3PROXY_VERSION (Maven Central)"
  fetch_artifact "org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" "$TOOLS/s3proxy"
  installed s3proxy "$t"
}

GREENMAIL_JAR=$TOOLS/greenmail/greenmail-standalone-$GREENMAIL_VERSION.jar
install_greenmail() {
  [[ -f $GREENMAIL_JAR ]] && return 0
  local t
  t=$(now_ms)
  say "  installing greenmail $GREENMAIL_VERSION (Maven Central)"
  fetch_artifact "com.icegreen:greenmail-standalone:$GREENMAIL_VERSION" "$TOOLS/greenmail"
  installed greenmail "$t"
}

KEYCLOAK_HOME=$TOOLS/keycloak-$KEYCLOAK_VERSION
install_keycloak() {
  [[ -f $KEYCLOAK_HOME/.complete ]] && return 0
  ensure_apt unzip
  local t
  t=$(now_ms)
  say "  installing keycloak $KEYCLOAK_VERSION (Maven Central)"
  rm -rf "$KEYCLOAK_HOME" "$TOOLS/downloads"
  fetch_artifact "org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" "$TOOLS/downloads"
  unzip -q "$TOOLS/downloads/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" -d "$TOOLS"
  rm -rf "$TOOLS/downloads"
  # Keycloak keeps its database (dev H2) and import folder in <home>/data: start_keycloak links
  # it to the state dir.
  rm -rf "$KEYCLOAK_HOME/data"
  touch "$KEYCLOAK_HOME/.complete"
  installed keycloak "$t"
}

ANVIL_DIR=$TOOLS/anvil
anvil_bin() { compgen -G "$ANVIL_DIR/node_modules/@foundry-rs/anvil-*/bin/anvil" | head -n 1 || true; }
install_anvil() {
  if [[ -n $(anvil_bin) ]] && cmp -s "$HERE/tools/package.json" "$ANVIL_DIR/package.json"; then
    return 0
  fi
  local t
  t=$(now_ms)
  say "  installing anvil (npm, deploy/local/tools/package.json)"
  mkdir -p "$ANVIL_DIR"
  cp "$HERE/tools/package.json" "$ANVIL_DIR/package.json"
  npm install --prefix "$ANVIL_DIR" --no-audit --no-fund >>"$LOGS/install.log" 2>&1 ||
    { tail -n 30 "$LOGS/install.log"; die "npm install of anvil failed (see $LOGS/install.log)"; }
  [[ -n $(anvil_bin) ]] || die "npm installed no anvil binary for this platform (see $LOGS/install.log)"
  installed anvil "$t"
}
