# shellcheck shell=bash
# The infrastructure servers (mariadb, kafka, s3, anvil, keycloak, greenmail): for each,
# start_NAME, ready_NAME and, where something follows readiness, after_NAME. Sourced by
# deploy/local/platform after install.sh (the tools' paths).

MARIADB_FAKE_VERSION=5.7.19-MariaDB-10.11

# --- mariadb ---
MARIADB_CNF=$DATA/mariadb/my.cnf
mariadb_socket() {
  local sock=$RUN/mariadb.sock
  # A unix socket path must stay under 108 bytes.
  if ((${#sock} > 100)); then sock=/tmp/ehr-mariadb-$(printf '%s' "$STATE" | sha256sum | cut -c1-12).sock; fi
  echo "$sock"
}
as_root_user() { if [[ $EUID -eq 0 ]]; then echo --user=root; fi; }
start_mariadb() {
  mkdir -p "$DATA/mariadb/tmp"
  render "$HERE/conf/my.cnf" "$MARIADB_CNF" DATADIR="$DATA/mariadb/db" SOCKET="$(mariadb_socket)" \
    PIDFILE="$RUN/mariadbd.pid" TMPDIR="$DATA/mariadb/tmp" PORT="$EHR_DB_PORT"
  if [[ ! -d $DATA/mariadb/db/mysql ]]; then
    mkdir -p "$DATA/mariadb/db"
    # shellcheck disable=SC2046 # as_root_user prints zero or one word
    mariadb-install-db --defaults-file="$MARIADB_CNF" --auth-root-authentication-method=socket \
      --skip-test-db $(as_root_user) >>"$LOGS/mariadb.log" 2>&1 || fail mariadb "mariadb-install-db failed"
  fi
  # shellcheck disable=SC2046
  launch mariadb "$DATA/mariadb" /usr/sbin/mariadbd --defaults-file="$MARIADB_CNF" \
    --version="$MARIADB_FAKE_VERSION" $(as_root_user)
}
ready_mariadb() { port_open "$EHR_DB_PORT"; }
after_mariadb() {
  local db sql="" host
  for db in identity records consent appointment notification anchor exchange; do
    sql+="CREATE DATABASE IF NOT EXISTS ehr_$db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    sql+="CREATE DATABASE IF NOT EXISTS ehr_${db}_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
  done
  for host in localhost 127.0.0.1 %; do
    sql+="CREATE USER IF NOT EXISTS '$EHR_DB_USER'@'$host' IDENTIFIED VIA mysql_native_password USING PASSWORD('$EHR_DB_PASSWORD');"
    sql+="GRANT ALL PRIVILEGES ON \`ehr\\_%\`.* TO '$EHR_DB_USER'@'$host';"
  done
  mariadb --defaults-file="$MARIADB_CNF" -u "$(id -un)" -e "$sql" >>"$LOGS/mariadb.log" 2>&1 ||
    fail mariadb "creating the databases and user '$EHR_DB_USER' failed"
}

# --- kafka ---
start_kafka() {
  local cfg=$DATA/kafka/server.properties
  mkdir -p "$DATA/kafka"
  render "$HERE/conf/kafka.properties" "$cfg" PORT="$EHR_KAFKA_PORT" \
    CONTROLLER_PORT="$EHR_KAFKA_CONTROLLER_PORT" LOG_DIRS="$DATA/kafka/logs"
  if [[ ! -f $DATA/kafka/logs/meta.properties ]]; then
    # The cluster id comes from Kafka itself (kafka-storage random-uuid): a base64url UUID that never
    # starts with '-', which the tool's argument parser would take for an option (a random one
    # did once in 64 fresh stacks: "argument --cluster-id/-t: expected one argument"). The
    # --cluster-id=ID form keeps even such an id a value.
    local id
    id=$(java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$KAFKA_HOME/libs/*" \
      kafka.tools.StorageTool random-uuid 2>>"$LOGS/kafka.log") || id=""
    [[ -n $id ]] || fail kafka "kafka-storage random-uuid failed"
    java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$KAFKA_HOME/libs/*" \
      kafka.tools.StorageTool format --config "$cfg" --cluster-id="$id" --ignore-formatted \
      >>"$LOGS/kafka.log" 2>&1 || fail kafka "formatting the KRaft storage failed"
  fi
  launch kafka "$DATA/kafka" java -Xmx256m -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd HH:mm:ss,SSS" -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$cfg"
}
ready_kafka() { port_open "$EHR_KAFKA_PORT" && grep -q 'Kafka Server started' "$LOGS/kafka.log"; }

# --- s3 ---
start_s3() {
  # A bucket of the filesystem backend is a folder: creating it here makes it exist from the start.
  mkdir -p "$DATA/s3/blobs/$EHR_S3_BUCKET"
  render "$HERE/conf/s3proxy.properties" "$DATA/s3/s3proxy.properties" PORT="$EHR_S3_PORT" \
    IDENTITY="$EHR_S3_ACCESS_KEY" CREDENTIAL="$EHR_S3_SECRET_KEY" BASEDIR="$DATA/s3/blobs"
  launch s3 "$DATA/s3" java -Xmx256m -XX:+UseSerialGC -jar "$S3PROXY_JAR" \
    --properties "$DATA/s3/s3proxy.properties"
}
ready_s3() { [[ $(http_code "http://127.0.0.1:$EHR_S3_PORT/") != 000 ]]; }

# --- anvil ---
start_anvil() {
  mkdir -p "$DATA/anvil/cache"
  # --state loads the chain from the file when it exists and dumps it on exit; --state-interval
  # also dumps it every few seconds, so deployed contracts survive a restart (and most crashes).
  local args=(--host 127.0.0.1 --port "$EHR_CHAIN_PORT" --chain-id "$EHR_CHAIN_ID"
    --prune-history 64 --cache-path "$DATA/anvil/cache"
    --state "$DATA/anvil/state.json" --state-interval 5)
  # A block every second by default, like a real chain: confirmation depths (anchors, consents)
  # only advance when blocks come. EHR_CHAIN_BLOCK_TIME=0 leaves anvil mining on transactions only.
  local block_time=${EHR_CHAIN_BLOCK_TIME:-1}
  [[ $block_time != 0 ]] && args+=(--block-time "$block_time")
  launch anvil "$DATA/anvil" "$(anvil_bin)" "${args[@]}"
}
rpc() { curl -s -m 3 -H 'Content-Type: application/json' -d "$1" "http://127.0.0.1:$EHR_CHAIN_PORT" 2>/dev/null || true; }
ready_anvil() { [[ $(rpc '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}') == *'"result"'* ]]; }

# --- keycloak ---
KEYCLOAK_FRESH=0
REALM_JSON=$HERE/../keycloak/ehr-realm.json
start_keycloak() {
  mkdir -p "$DATA/keycloak/import"
  ln -sfn "$DATA/keycloak" "$KEYCLOAK_HOME/data" # (again, in case the checkout moved)
  [[ -d $DATA/keycloak/h2 ]] && KEYCLOAK_FRESH=0 || KEYCLOAK_FRESH=1
  cp "$REALM_JSON" "$DATA/keycloak/import/ehr-realm.json"
  # The first start also builds Keycloak's optimized server: it takes longer.
  launch keycloak "$DATA/keycloak" env KC_BOOTSTRAP_ADMIN_USERNAME=admin \
    KC_BOOTSTRAP_ADMIN_PASSWORD=admin JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" \
    "$KEYCLOAK_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$EHR_KEYCLOAK_PORT" \
    --http-management-port="$EHR_KEYCLOAK_MGMT_PORT" --health-enabled=true \
    --hostname="http://localhost:$EHR_KEYCLOAK_PORT" --import-realm
}
ready_keycloak() { http_ok "http://127.0.0.1:$EHR_KEYCLOAK_MGMT_PORT/health/ready"; }

# --import-realm skips a realm that exists: when the realm file changed since the last import,
# delete the realm and create it again through the admin API (seconds, not a restart).
after_keycloak() {
  local sum stored kc="http://127.0.0.1:$EHR_KEYCLOAK_PORT" token code realm
  sum=$(sha256sum <"$REALM_JSON" | cut -d' ' -f1)
  stored=$(cat "$DATA/keycloak/realm.sha256" 2>/dev/null || true)
  # The first request to a realm after a start can be slow: wait for a definite answer.
  realm=$(http_code -m 60 "$kc/realms/ehr")
  [[ $realm == 200 || $realm == 404 ]] || fail keycloak "realm ehr answered HTTP $realm"
  if [[ $realm == 200 ]] && { [[ $sum == "$stored" ]] || ((KEYCLOAK_FRESH)); }; then
    echo "$sum" >"$DATA/keycloak/realm.sha256"
    return 0
  fi
  token=$(curl -s -m 10 -d grant_type=password -d client_id=admin-cli -d username=admin \
    -d password=admin "$kc/realms/master/protocol/openid-connect/token" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  [[ -n $token ]] || fail keycloak "no admin token (admin/admin) to re-import realm ehr"
  curl -s -o /dev/null -m 30 -X DELETE -H "Authorization: Bearer $token" "$kc/admin/realms/ehr"
  code=$(curl -s -o /dev/null -m 60 -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' --data-binary "@$REALM_JSON" "$kc/admin/realms")
  [[ $code == 201 ]] || fail keycloak "re-importing realm ehr answered HTTP $code"
  cp "$REALM_JSON" "$DATA/keycloak/import/ehr-realm.json"
  echo "$sum" >"$DATA/keycloak/realm.sha256"
  line keycloak "realm ehr re-imported (deploy/keycloak/ehr-realm.json changed)"
}

# --- greenmail ---
start_greenmail() {
  mkdir -p "$DATA/greenmail"
  launch greenmail "$DATA/greenmail" java -Xmx128m -XX:+UseSerialGC \
    -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$EHR_SMTP_PORT" \
    -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$EHR_MAIL_API_PORT" \
    -Dgreenmail.auth.disabled -jar "$GREENMAIL_JAR"
}
ready_greenmail() {
  port_open "$EHR_SMTP_PORT" && http_ok "http://127.0.0.1:$EHR_MAIL_API_PORT/api/service/readiness"
}
