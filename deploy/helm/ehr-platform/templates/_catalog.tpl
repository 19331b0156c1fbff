{{/*
The services catalogue: what the platform's services are and whom they talk to
(docs/architecture.md). The network policies, the gateway routes, the credentials Secret and each
service's workload and environment are all derived from this one table; templates ask it
(`$entry.chainWriter`, `has "s3" $entry.egress`), never compare a service's key. A new service is a
new entry here and a block under services in values.yaml.
  name:      the service's name: resource names, component label, its Keycloak client id
  area:      the API area it owns: the gateway routes /api/<area> to it
  urlEnv:    the variable through which its callers get its URL
  calls:     services it calls synchronously: records -> consent (consent check), records ->
             chain-anchor (a record's proof, proof verification), consent -> identity (custodial
             signature), identity -> consent (consent check of its ConsentClient), notification ->
             identity (a recipient's address when no identity event named it)
  egress:    external servers it reaches (kafka, database, keycloak, s3, ethereum, smtp; ethereum:
             JSON-RPC URL and chain id too; s3: endpoint, bucket and access key; smtp: the mailer)
  contracts: reads the contract addresses and the chain id (EIP-712 domains, the chain writer)
  kek:       holds data encrypted under the platform's key-encryption keys
  chainWriter: the platform's only chain writer: reads the writer key and runs exactly one pod
             (replicas 1, strategy Recreate, no HorizontalPodAutoscaler, no PodDisruptionBudget)
  keycloakAdmin: calls Keycloak's admin API with client identity-service (keycloak.identityClient):
             gets the Keycloak URL and that client's secret
  chainIdSecret: derives pseudonymous chain ids with the platform's chain-id secret
  extraPaths: further path prefixes the gateway routes to it besides /api/<area> (exchange-service:
             /exchange/v1, the signed requests of other installations)
  exchange:  the installation's door to the exchange network: reads exchange.* (organisation,
             registry, its keys and controller key from a Secret) and may reach the peers in
             exchange.peerEgress
  clientSecretEnv: calls other services with its own Keycloak client (client-credentials grant; the
             client id is the service's name) and reads that client's secret from this variable
             (identity-service's admin client is keycloakAdmin above, not listed here)
*/}}
{{- define "ehr-platform.catalog" -}}
identity:
  name: identity-service
  area: identity
  urlEnv: EHR_IDENTITY_URL
  calls: [consent]
  egress: [kafka, database, keycloak]
  contracts: true
  kek: true
  chainWriter: false
  keycloakAdmin: true
  chainIdSecret: true
records:
  name: records-service
  area: records
  urlEnv: EHR_RECORDS_URL
  calls: [consent, chainAnchor]
  egress: [kafka, database, keycloak, s3]
  contracts: false
  kek: true
  chainWriter: false
  keycloakAdmin: false
  chainIdSecret: false
  clientSecretEnv: EHR_RECORDS_CLIENT_SECRET
consent:
  name: consent-service
  area: consents
  urlEnv: EHR_CONSENT_URL
  calls: [identity]
  egress: [kafka, database, keycloak, ethereum]
  contracts: true
  kek: false
  chainWriter: false
  keycloakAdmin: false
  chainIdSecret: false
  clientSecretEnv: EHR_CONSENT_CLIENT_SECRET
appointment:
  name: appointment-service
  area: appointments
  urlEnv: EHR_APPOINTMENT_URL
  calls: []
  egress: [kafka, database, keycloak]
  contracts: false
  kek: false
  chainWriter: false
  keycloakAdmin: false
  chainIdSecret: false
notification:
  name: notification-service
  area: notifications
  urlEnv: EHR_NOTIFICATION_URL
  calls: [identity]
  egress: [kafka, database, keycloak, smtp]
  contracts: false
  kek: false
  chainWriter: false
  keycloakAdmin: false
  chainIdSecret: false
  clientSecretEnv: EHR_NOTIFICATION_CLIENT_SECRET
chainAnchor:
  name: chain-anchor-service
  area: anchors
  urlEnv: EHR_CHAIN_ANCHOR_URL
  calls: []
  egress: [kafka, database, keycloak, ethereum]
  contracts: true
  kek: false
  chainWriter: true
  keycloakAdmin: false
  chainIdSecret: false
exchange:
  name: exchange-service
  area: exchange
  urlEnv: EHR_EXCHANGE_URL
  calls: []
  egress: [kafka, database, keycloak, ethereum]
  extraPaths: [/exchange/v1]
  contracts: true
  kek: true
  chainWriter: false
  keycloakAdmin: false
  chainIdSecret: false
  exchange: true
{{- end -}}

{{/* Service keys in a fixed order. */}}
{{- define "ehr-platform.serviceKeys" -}}
identity records consent appointment notification chainAnchor exchange
{{- end -}}

{{/* Is a service enabled? Args: ctx, key. Returns "true" or "". */}}
{{- define "ehr-platform.serviceEnabled" -}}
{{- if (index .ctx.Values.services .key).enabled -}}true{{- end -}}
{{- end -}}

{{/* Is any enabled service marked in the catalogue? Args: ctx, and either flag (a boolean field, e.g.
     chainWriter) or egress (an external server, e.g. s3). Returns "true" (or more) or "". */}}
{{- define "ehr-platform.anyServiceWith" -}}
{{- $args := . -}}
{{- $catalog := include "ehr-platform.catalog" .ctx | fromYaml -}}
{{- range $key := splitList " " (include "ehr-platform.serviceKeys" $args.ctx) -}}
{{- $entry := index $catalog $key -}}
{{- if (index $args.ctx.Values.services $key).enabled -}}
{{- if $args.flag -}}
{{- if index $entry $args.flag -}}true{{- end -}}
{{- else if has $args.egress $entry.egress -}}true
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
