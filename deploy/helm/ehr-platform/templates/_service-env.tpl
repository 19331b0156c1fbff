{{/*
A service's configuration: its plain environment (the service's ConfigMap) and its container's env
(JVM options and everything read from Secrets), both derived from the catalogue (_catalog.tpl).
*/}}

{{/* Plain (non-secret) environment of a service, as ConfigMap data. Args: ctx, key. */}}
{{- define "ehr-platform.service.config" -}}
{{- $ctx := .ctx -}}
{{- $v := $ctx.Values -}}
{{- $key := .key -}}
{{- $svc := index $v.services $key -}}
{{- $catalog := include "ehr-platform.catalog" $ctx | fromYaml -}}
{{- $entry := index $catalog $key -}}
QUARKUS_HTTP_PORT: {{ $v.serviceDefaults.containerPort | quote }}
EHR_DB_HOST: {{ include "ehr-platform.database.host" $ctx | quote }}
EHR_DB_PORT: {{ include "ehr-platform.database.port" $ctx | quote }}
QUARKUS_DATASOURCE_JDBC_URL: {{ include "ehr-platform.database.jdbcUrl" . | quote }}
EHR_KAFKA_BOOTSTRAP: {{ include "ehr-platform.kafka.bootstrapServers" $ctx | quote }}
{{- $protocol := include "ehr-platform.kafka.securityProtocol" $ctx }}
{{- if ne $protocol "PLAINTEXT" }}
KAFKA_SECURITY_PROTOCOL: {{ $protocol | quote }}
{{- end }}
{{- if and $v.kafka.sasl.enabled (not $v.evaluation.enabled) }}
KAFKA_SASL_MECHANISM: {{ $v.kafka.sasl.mechanism | quote }}
{{- end }}
{{- if and $v.kafka.tls.enabled $v.kafka.tls.existingSecret (not $v.evaluation.enabled) }}
KAFKA_SSL_TRUSTSTORE_TYPE: "PEM"
KAFKA_SSL_TRUSTSTORE_LOCATION: {{ printf "/etc/ehr/kafka-tls/%s" $v.kafka.tls.caKey | quote }}
{{- end }}
EHR_KEYCLOAK_ISSUER: {{ include "ehr-platform.keycloak.issuer" $ctx | quote }}
EHR_KEYCLOAK_JWKS: {{ include "ehr-platform.keycloak.jwksUrl" $ctx | quote }}
{{- if or $entry.keycloakAdmin $entry.clientSecretEnv }}
EHR_KEYCLOAK_URL: {{ include "ehr-platform.keycloak.url" $ctx | quote }}
{{- end }}
{{- if has "s3" $entry.egress }}
EHR_S3_ENDPOINT: {{ include "ehr-platform.s3.endpoint" $ctx | quote }}
EHR_S3_BUCKET: {{ $v.s3.bucket | quote }}
EHR_S3_CHECKSUM: {{ $v.s3.checksum | quote }}
{{- end }}
{{- if has "ethereum" $entry.egress }}
EHR_CHAIN_RPC_URL: {{ include "ehr-platform.chain.rpcUrl" $ctx | quote }}
{{- end }}
{{- if or $entry.contracts (has "ethereum" $entry.egress) }}
EHR_CHAIN_ID: {{ include "ehr-platform.chain.chainId" $ctx | quote }}
{{- end }}
{{- if $entry.chainWriter }}
EHR_CHAIN_FINALITY: {{ $v.chain.finality | quote }}
EHR_CHAIN_FINALITY_DEPTH: {{ $v.chain.finalityDepth | quote }}
{{- with $v.chain.adoptGenesis }}
EHR_CHAIN_ADOPT: {{ . | quote }}
{{- end }}
{{- end }}
{{- if $entry.kek }}
EHR_KEK_CURRENT: {{ $v.platformSecrets.kekCurrent | quote }}
{{- end }}
{{- if $entry.exchange }}
EHR_ORGANIZATION_NAME: {{ $v.exchange.organizationName | quote }}
{{- with $v.exchange.endpoint }}
EHR_ORGANIZATION_ENDPOINT: {{ . | quote }}
{{- end }}
{{- end }}
{{- if has "smtp" $entry.egress }}
EHR_SMTP_HOST: {{ include "ehr-platform.smtp.host" $ctx | quote }}
EHR_SMTP_PORT: {{ include "ehr-platform.smtp.port" $ctx | quote }}
QUARKUS_MAILER_FROM: {{ $v.smtp.from | quote }}
QUARKUS_MAILER_START_TLS: {{ ternary "DISABLED" $v.smtp.startTls $v.evaluation.enabled | quote }}
{{- end }}
{{- range $callee := $entry.calls }}
{{- if (index $v.services $callee).enabled }}
{{ (index $catalog $callee).urlEnv }}: {{ printf "http://%s:%v" (include "ehr-platform.serviceFullname" (dict "ctx" $ctx "key" $callee)) $v.serviceDefaults.servicePort | quote }}
{{- end }}
{{- end }}
{{- range $name, $value := $svc.env }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Environment of a service's container: JVM options and everything read from Secrets. Args: ctx, key. */}}
{{- define "ehr-platform.service.env" -}}
{{- $ctx := .ctx -}}
{{- $v := $ctx.Values -}}
{{- $key := .key -}}
{{- $svc := index $v.services $key -}}
{{- $catalog := include "ehr-platform.catalog" $ctx | fromYaml -}}
{{- $entry := index $catalog $key -}}
- name: JAVA_OPTS
  value: {{ $svc.javaOpts | default $v.serviceDefaults.javaOpts | quote }}
{{- $db := include "ehr-platform.secret.database" . | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_DB_USER" "secret" $db.name "key" $db.usernameKey) }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_DB_PASSWORD" "secret" $db.name "key" $db.passwordKey) }}
{{- if and $v.kafka.sasl.enabled (not $v.evaluation.enabled) }}
{{- $kafka := include "ehr-platform.secret.kafka" $ctx | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_KAFKA_USERNAME" "secret" $kafka.name "key" $kafka.usernameKey) }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_KAFKA_PASSWORD" "secret" $kafka.name "key" $kafka.passwordKey) }}
{{- $module := ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $v.kafka.sasl.mechanism "PLAIN") }}
# Kubernetes expands $(EHR_KAFKA_...) from the two Secret-backed variables above: no credential in the spec.
- name: KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "%s required username=\"$(EHR_KAFKA_USERNAME)\" password=\"$(EHR_KAFKA_PASSWORD)\";" $module | quote }}
{{- end }}
{{- if has "s3" $entry.egress }}
{{- $s3 := include "ehr-platform.secret.s3" $ctx | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_S3_ACCESS_KEY" "secret" $s3.name "key" $s3.accessKeyKey) }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_S3_SECRET_KEY" "secret" $s3.name "key" $s3.secretKeyKey) }}
{{- end }}
{{- if $entry.chainWriter }}
{{- $writer := include "ehr-platform.secret.chainWriter" $ctx | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_CHAIN_WRITER_KEY" "secret" $writer.name "key" $writer.privateKeyKey) }}
{{- end }}
{{- if $entry.contracts }}
{{- $contracts := include "ehr-platform.contracts.configMapName" $ctx }}
{{- range $env, $cmKey := dict "EHR_CONTRACTS_PATIENT_REGISTRY" "EHR_CONTRACTS_PATIENT_REGISTRY" "EHR_CONTRACTS_CONSENT_REGISTRY" "EHR_CONTRACTS_CONSENT_REGISTRY" "EHR_CONTRACTS_ANCHOR_REGISTRY" "EHR_CONTRACTS_ANCHOR_REGISTRY" }}
# Not optional: until the contracts Job has recorded the addresses the pod waits (CreateContainerConfigError), then starts by itself.
- name: {{ $env }}
  valueFrom:
    configMapKeyRef:
      name: {{ $contracts }}
      key: {{ $cmKey }}
{{- end }}
{{- end }}
{{- if $entry.exchange }}
{{- $contracts := include "ehr-platform.contracts.configMapName" $ctx }}
{{- range $cmKey := list "ORGANIZATION_REGISTRY" "ORGANIZATION_ID" }}
# The network's OrganizationRegistry and this installation's id, recorded by the contracts Job (or from exchange.*).
- name: {{ $cmKey }}
  valueFrom:
    configMapKeyRef:
      name: {{ $contracts }}
      key: {{ $cmKey }}
{{- end }}
{{- with $v.exchange.keys.existingSecret }}
{{- range $env, $key := dict "EHR_EXCHANGE_SIGNING_KEY" $v.exchange.keys.signingKeyKey "EHR_EXCHANGE_ENCRYPTION_KEYSET" $v.exchange.keys.encryptionKeysetKey "EHR_EXCHANGE_CONTROLLER_KEY" $v.exchange.keys.controllerKeyKey }}
# Optional: a key missing from the Secret is generated on first start (stored wrapped by the KEK), or, for the controller, left to an operator.
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $.ctx.Values.exchange.keys.existingSecret }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- end }}
{{- end }}
{{- if and (has "smtp" $entry.egress) $v.smtp.auth.enabled (not $v.evaluation.enabled) }}
{{- $smtp := include "ehr-platform.secret.smtp" $ctx | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "QUARKUS_MAILER_USERNAME" "secret" $smtp.name "key" $smtp.usernameKey) }}
{{ include "ehr-platform.secretEnv" (dict "name" "QUARKUS_MAILER_PASSWORD" "secret" $smtp.name "key" $smtp.passwordKey) }}
{{- end }}
{{- if $entry.clientSecretEnv }}
{{- $serviceClient := include "ehr-platform.secret.serviceClient" . | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" $entry.clientSecretEnv "secret" $serviceClient.name "key" $serviceClient.clientSecretKey) }}
{{- end }}
{{- if $entry.keycloakAdmin }}
{{- $client := include "ehr-platform.secret.identityClient" $ctx | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_IDENTITY_CLIENT_SECRET" "secret" $client.name "key" $client.clientSecretKey) }}
{{- end }}
{{- if $entry.chainIdSecret }}
{{- $platform := include "ehr-platform.secret.platform" $ctx | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_IDENTITY_CHAIN_ID_SECRET" "secret" $platform.name "key" $platform.chainIdSecretKey) }}
{{- end }}
{{- if $entry.kek }}
{{- $platform := include "ehr-platform.secret.platform" $ctx | fromYaml }}
{{- range $id := $v.platformSecrets.kekIds }}
{{- /* ehr.kek.keys.<id>: EHR_KEK_KEYS_<ID>; k1 also as EHR_KEK_K1, which application.properties references. */}}
{{- if eq $id "k1" }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_KEK_K1" "secret" $platform.name "key" "kek-k1") }}
{{- end }}
{{ include "ehr-platform.secretEnv" (dict "name" (printf "EHR_KEK_KEYS_%s" (upper $id)) "secret" $platform.name "key" (printf "kek-%s" $id)) }}
{{- end }}
{{- end }}
{{- range $name, $ref := $svc.secretEnv }}
{{ include "ehr-platform.secretEnv" (dict "name" $name "secret" $ref.secretName "key" $ref.key) }}
{{- end }}
{{- end -}}
