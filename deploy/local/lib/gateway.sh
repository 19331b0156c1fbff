# shellcheck shell=bash
# The nginx gateway in front of the services: its configuration from conf/nginx.conf, start,
# reload on a changed configuration, readiness. Sourced by deploy/local/platform.

GATEWAY_DIR=$DATA/gateway
render_gateway_conf() {
  local dir=$GATEWAY_DIR user=""
  mkdir -p "$dir/tmp"
  # nginx started by root runs its workers as nobody; they write request bodies to tmp/, which
  # nobody cannot reach when the checkout is not world-readable: then workers stay root.
  if [[ $EUID -eq 0 ]] && ! runuser -u nobody -- test -x "$dir/tmp" 2>/dev/null; then
    user="user root;"
  fi
  render "$HERE/conf/nginx.conf" "$1" USER_DIRECTIVE="$user" RUN_DIR="$RUN" \
    LOG_DIR="$LOGS" TMP_DIR="$dir/tmp" GATEWAY_PORT="$EHR_GATEWAY_PORT" \
    IDENTITY_PORT="$EHR_IDENTITY_PORT" RECORDS_PORT="$EHR_RECORDS_PORT" \
    CONSENT_PORT="$EHR_CONSENT_PORT" APPOINTMENT_PORT="$EHR_APPOINTMENT_PORT" \
    NOTIFICATION_PORT="$EHR_NOTIFICATION_PORT" CHAIN_ANCHOR_PORT="$EHR_CHAIN_ANCHOR_PORT" \
    EXCHANGE_PORT="$EHR_EXCHANGE_PORT"
  /usr/sbin/nginx -t -q -e stderr -p "$dir/" -c "$1" >>"$LOGS/gateway.log" 2>&1 ||
    fail gateway "nginx rejected $1"
}
start_gateway() {
  render_gateway_conf "$GATEWAY_DIR/nginx.conf"
  launch gateway "$GATEWAY_DIR" /usr/sbin/nginx -e stderr -p "$GATEWAY_DIR/" -c "$GATEWAY_DIR/nginx.conf"
}
# A running gateway picks up a changed template or port on `up` (nginx reloads on SIGHUP).
after_gateway() {
  render_gateway_conf "$GATEWAY_DIR/nginx.conf.new"
  if cmp -s "$GATEWAY_DIR/nginx.conf.new" "$GATEWAY_DIR/nginx.conf"; then
    rm -f "$GATEWAY_DIR/nginx.conf.new"
    return 0
  fi
  mv -f "$GATEWAY_DIR/nginx.conf.new" "$GATEWAY_DIR/nginx.conf"
  kill -HUP "$(pid_of gateway)"
  line gateway "configuration changed: reloaded"
}
ready_gateway() { http_ok "http://127.0.0.1:$EHR_GATEWAY_PORT/healthz"; }
