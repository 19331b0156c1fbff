# shellcheck shell=bash
# The contracts component: deploys them on anvil through contracts/scripts/deploy unless the
# addresses in <state>/contracts.env already have code and the installation is recorded as a member
# of the network's OrganizationRegistry (ORGANIZATION_REGISTRY, ORGANIZATION_ID; the deployer reuses
# what exists and only adds what is missing). Sourced by deploy/local/platform.

contract_address() { sed -n "s/^$1=//p" "$CONTRACTS_ENV" 2>/dev/null | head -n 1; }
contracts_deployed() {
  local var addr
  [[ $(contract_address ORGANIZATION_ID) == 0x* ]] || return 1
  for var in EHR_CONTRACTS_PATIENT_REGISTRY EHR_CONTRACTS_CONSENT_REGISTRY EHR_CONTRACTS_ANCHOR_REGISTRY \
    ORGANIZATION_REGISTRY; do
    addr=$(contract_address "$var")
    [[ -n $addr ]] || return 1
    [[ $(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getCode\",\"params\":[\"$addr\",\"latest\"]}") == *'"result":"0x'[0-9a-f]* ]] || return 1
  done
}

up_contracts() {
  local script=$ROOT/contracts/scripts/deploy t
  if [[ ! -x $script ]]; then
    line contracts "skipped: contracts/scripts/deploy missing"
    return 0
  fi
  ready_anvil || { line contracts "skipped: anvil is not up"; return 0; }
  if contracts_deployed; then
    line contracts "already deployed   $CONTRACTS_ENV"
    return 0
  fi
  t=$(now_ms)
  [[ -f $LOGS/contracts.log ]] && mv -f "$LOGS/contracts.log" "$LOGS/contracts.log.1"
  "$script" "$CONTRACTS_ENV" >>"$LOGS/contracts.log" 2>&1 </dev/null 9>&- || fail contracts "deploy failed"
  contracts_deployed || fail contracts "deploy wrote no usable addresses to $CONTRACTS_ENV"
  line contracts "deployed in $(secs $(($(now_ms) - t)))   $CONTRACTS_ENV"
}
