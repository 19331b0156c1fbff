{{/*
Helpers of the ehr-platform chart. Every helper is named ehr-platform.<thing>.
*/}}

{{/* Chart name, overridable. */}}
{{- define "ehr-platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource name: <release>-<chart> unless the release name already contains the chart name. */}}
{{- define "ehr-platform.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* chart label value: name-version */}}
{{- define "ehr-platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "ehr-platform.labels" -}}
helm.sh/chart: {{ include "ehr-platform.chart" . }}
app.kubernetes.io/name: {{ include "ehr-platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ehr-platform
{{- if .Values.evaluation.enabled }}
ehr.health/evaluation-mode: "true"
{{- end }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels that select all pods of this release. */}}
{{- define "ehr-platform.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "ehr-platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one component (a service, an evaluation server, a Job). Args: ctx, component. */}}
{{- define "ehr-platform.componentLabels" -}}
{{ include "ehr-platform.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Selector labels of one component. Args: ctx, component. */}}
{{- define "ehr-platform.selectorLabels" -}}
{{ include "ehr-platform.releaseSelectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Annotations of every resource: the common ones plus the evaluation warning. */}}
{{- define "ehr-platform.annotations" -}}
{{- with .Values.commonAnnotations }}
{{ toYaml . }}
{{- end }}
{{- if .Values.evaluation.enabled }}
ehr.health/warning: "EVALUATION MODE - NOT FOR PRODUCTION: in-cluster servers with public credentials and no backups"
{{- end }}
{{- end -}}

{{/*
What the platform's services are and whom they talk to (ARCHITECTURE.md). The network policies,
the gateway routes and each service's environment are all derived from this one table.
  calls:     services it calls synchronously: records -> consent (consent check), records ->
             chain-anchor (a record's proof, proof verification), consent -> identity (custodial
             signature), identity -> consent (consent check of its ConsentClient), notification ->
             identity (a recipient's address when no identity event named it)
  egress:    external servers it reaches (ethereum: JSON-RPC URL and chain id too)
  contracts: reads the contract addresses and the chain id (EIP-712 domains, the chain writer)
  kek:       holds data encrypted under the platform's key-encryption keys
  clientSecretEnv: calls other services with its own Keycloak client (client-credentials grant; the
             client id is the service's name) and reads that client's secret from this variable
             (identity-service's admin client is keycloak.identityClient, not listed here)
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
records:
  name: records-service
  area: records
  urlEnv: EHR_RECORDS_URL
  calls: [consent, chainAnchor]
  egress: [kafka, database, keycloak, s3]
  contracts: false
  kek: true
  clientSecretEnv: EHR_RECORDS_CLIENT_SECRET
consent:
  name: consent-service
  area: consents
  urlEnv: EHR_CONSENT_URL
  calls: [identity]
  egress: [kafka, database, keycloak, ethereum]
  contracts: true
  kek: false
  clientSecretEnv: EHR_CONSENT_CLIENT_SECRET
appointment:
  name: appointment-service
  area: appointments
  urlEnv: EHR_APPOINTMENT_URL
  calls: []
  egress: [kafka, database, keycloak]
  contracts: false
  kek: false
notification:
  name: notification-service
  area: notifications
  urlEnv: EHR_NOTIFICATION_URL
  calls: [identity]
  egress: [kafka, database, keycloak, smtp]
  contracts: false
  kek: false
  clientSecretEnv: EHR_NOTIFICATION_CLIENT_SECRET
chainAnchor:
  name: chain-anchor-service
  area: anchors
  urlEnv: EHR_CHAIN_ANCHOR_URL
  calls: []
  egress: [kafka, database, keycloak, ethereum]
  contracts: true
  kek: false
{{- end -}}

{{/* Service keys in a fixed order. */}}
{{- define "ehr-platform.serviceKeys" -}}
identity records consent appointment notification chainAnchor
{{- end -}}

{{/* Name of a service's resources (Deployment, Service, ConfigMap). Args: ctx, key. */}}
{{- define "ehr-platform.serviceFullname" -}}
{{- $catalog := include "ehr-platform.catalog" .ctx | fromYaml -}}
{{- printf "%s-%s" (include "ehr-platform.fullname" .ctx) (index $catalog .key).name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Is a service enabled? Args: ctx, key. Returns "true" or "". */}}
{{- define "ehr-platform.serviceEnabled" -}}
{{- if (index .ctx.Values.services .key).enabled -}}true{{- end -}}
{{- end -}}

{{/* ServiceAccount name of a service. Args: ctx, key. */}}
{{- define "ehr-platform.serviceAccountName" -}}
{{- $svc := index .ctx.Values.services .key -}}
{{- if $svc.serviceAccount.create -}}
{{- default (include "ehr-platform.serviceFullname" .) $svc.serviceAccount.name -}}
{{- else -}}
{{- default "default" $svc.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* An image reference. Args: ctx, image (registry, repository, tag, digest), defaultRegistry, defaultTag. */}}
{{- define "ehr-platform.image" -}}
{{- $registry := .image.registry | default .defaultRegistry -}}
{{- if .ctx.Values.global.imageRegistry -}}{{- $registry = .ctx.Values.global.imageRegistry -}}{{- end -}}
{{- $tag := .image.tag | default .defaultTag | toString -}}
{{- $ref := .image.repository -}}
{{- if $registry -}}{{- $ref = printf "%s/%s" $registry $ref -}}{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $ref .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref $tag -}}
{{- end -}}
{{- end -}}

{{/* Image of a platform service. Args: ctx, key. */}}
{{- define "ehr-platform.serviceImage" -}}
{{- $svc := index .ctx.Values.services .key -}}
{{- include "ehr-platform.image" (dict "ctx" .ctx "image" $svc.image "defaultRegistry" .ctx.Values.image.registry "defaultTag" (.ctx.Values.image.tag | default .ctx.Chart.AppVersion)) -}}
{{- end -}}

{{/* Image of a third-party component (evaluation servers, Job tools). Args: ctx, image. */}}
{{- define "ehr-platform.toolImage" -}}
{{- include "ehr-platform.image" (dict "ctx" .ctx "image" .image "defaultRegistry" "" "defaultTag" "latest") -}}
{{- end -}}

{{/* imagePullSecrets of every pod. */}}
{{- define "ehr-platform.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* ---------------------------------------------------------------------------------------------
     Where the infrastructure is: the values, or the in-cluster servers in evaluation mode.
     --------------------------------------------------------------------------------------------- */}}

{{/* Name of an evaluation server's resources. Args: ctx, name. */}}
{{- define "ehr-platform.evaluationName" -}}
{{- printf "%s-eval-%s" (include "ehr-platform.fullname" .ctx) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ehr-platform.database.host" -}}
{{- if .Values.evaluation.enabled -}}{{ include "ehr-platform.evaluationName" (dict "ctx" . "name" "mysql") }}{{- else -}}{{ .Values.database.host }}{{- end -}}
{{- end -}}

{{- define "ehr-platform.database.port" -}}
{{- if .Values.evaluation.enabled -}}3306{{- else -}}{{ .Values.database.port }}{{- end -}}
{{- end -}}

{{/* JDBC URL of a service. Args: ctx, key. */}}
{{- define "ehr-platform.database.jdbcUrl" -}}
{{- $svc := index .ctx.Values.services .key -}}
{{- if and $svc.database.jdbcUrl (not .ctx.Values.evaluation.enabled) -}}
{{- $svc.database.jdbcUrl -}}
{{- else -}}
{{- $params := .ctx.Values.database.jdbcParameters -}}
{{- if .ctx.Values.evaluation.enabled -}}{{- $params = "allowPublicKeyRetrieval=true" -}}{{- end -}}
{{- printf "jdbc:mysql://%s:%s/%s" (include "ehr-platform.database.host" .ctx) (include "ehr-platform.database.port" .ctx) $svc.database.name -}}
{{- if $params -}}?{{ $params }}{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ehr-platform.kafka.bootstrapServers" -}}
{{- if .Values.evaluation.enabled -}}{{ include "ehr-platform.evaluationName" (dict "ctx" . "name" "kafka") }}:9092{{- else -}}{{ .Values.kafka.bootstrapServers }}{{- end -}}
{{- end -}}

{{/* Kafka security protocol from the SASL and TLS switches (always PLAINTEXT in evaluation mode). */}}
{{- define "ehr-platform.kafka.securityProtocol" -}}
{{- if .Values.evaluation.enabled -}}PLAINTEXT
{{- else if and .Values.kafka.sasl.enabled .Values.kafka.tls.enabled -}}SASL_SSL
{{- else if .Values.kafka.sasl.enabled -}}SASL_PLAINTEXT
{{- else if .Values.kafka.tls.enabled -}}SSL
{{- else -}}PLAINTEXT
{{- end -}}
{{- end -}}

{{- define "ehr-platform.s3.endpoint" -}}
{{- if .Values.evaluation.enabled -}}http://{{ include "ehr-platform.evaluationName" (dict "ctx" . "name" "minio") }}:9000{{- else -}}{{ .Values.s3.endpoint }}{{- end -}}
{{- end -}}

{{- define "ehr-platform.keycloak.url" -}}
{{- if .Values.evaluation.enabled -}}http://{{ include "ehr-platform.evaluationName" (dict "ctx" . "name" "keycloak") }}:8080{{- else -}}{{ .Values.keycloak.url | trimSuffix "/" }}{{- end -}}
{{- end -}}

{{- define "ehr-platform.keycloak.issuer" -}}
{{- if .Values.evaluation.enabled -}}
{{- printf "%s/realms/%s" (.Values.evaluation.keycloak.publicUrl | trimSuffix "/") .Values.keycloak.realm -}}
{{- else if .Values.keycloak.issuer -}}
{{- .Values.keycloak.issuer -}}
{{- else -}}
{{- printf "%s/realms/%s" (include "ehr-platform.keycloak.url" .) .Values.keycloak.realm -}}
{{- end -}}
{{- end -}}

{{- define "ehr-platform.keycloak.jwksUrl" -}}
{{- if and .Values.keycloak.jwksUrl (not .Values.evaluation.enabled) -}}
{{- .Values.keycloak.jwksUrl -}}
{{- else -}}
{{- printf "%s/realms/%s/protocol/openid-connect/certs" (include "ehr-platform.keycloak.url" .) .Values.keycloak.realm -}}
{{- end -}}
{{- end -}}

{{- define "ehr-platform.chain.rpcUrl" -}}
{{- if .Values.evaluation.enabled -}}http://{{ include "ehr-platform.evaluationName" (dict "ctx" . "name" "anvil") }}:8545{{- else -}}{{ .Values.chain.rpcUrl }}{{- end -}}
{{- end -}}

{{- define "ehr-platform.chain.chainId" -}}
{{- if .Values.evaluation.enabled -}}{{ .Values.evaluation.anvil.chainId }}{{- else -}}{{ .Values.chain.chainId }}{{- end -}}
{{- end -}}

{{- define "ehr-platform.smtp.host" -}}
{{- if .Values.evaluation.enabled -}}{{ include "ehr-platform.evaluationName" (dict "ctx" . "name" "mailpit") }}{{- else -}}{{ .Values.smtp.host }}{{- end -}}
{{- end -}}

{{- define "ehr-platform.smtp.port" -}}
{{- if .Values.evaluation.enabled -}}1025{{- else -}}{{ .Values.smtp.port }}{{- end -}}
{{- end -}}

{{/* ---------------------------------------------------------------------------------------------
     Credentials. Each returns YAML {name, keys...}: an existing Secret named in the values, or the
     chart-created Secret <fullname>-credentials (always the latter in evaluation mode).
     --------------------------------------------------------------------------------------------- */}}

{{- define "ehr-platform.credentialsSecretName" -}}
{{- printf "%s-credentials" (include "ehr-platform.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Database credentials of a service. Args: ctx, key. */}}
{{- define "ehr-platform.secret.database" -}}
{{- $v := .ctx.Values -}}
{{- $svc := index $v.services .key -}}
{{- $existing := $svc.database.existingSecret | default $v.database.auth.existingSecret -}}
{{- if and $existing (not $v.evaluation.enabled) -}}
name: {{ $existing }}
usernameKey: {{ $v.database.auth.usernameKey }}
passwordKey: {{ $v.database.auth.passwordKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" .ctx }}
usernameKey: db-username
passwordKey: db-password
chartCreated: true
{{- end -}}
{{- end -}}

{{- define "ehr-platform.secret.kafka" -}}
{{- if .Values.kafka.sasl.existingSecret -}}
name: {{ .Values.kafka.sasl.existingSecret }}
usernameKey: {{ .Values.kafka.sasl.usernameKey }}
passwordKey: {{ .Values.kafka.sasl.passwordKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" . }}
usernameKey: kafka-username
passwordKey: kafka-password
chartCreated: true
{{- end -}}
{{- end -}}

{{- define "ehr-platform.secret.s3" -}}
{{- if and .Values.s3.auth.existingSecret (not .Values.evaluation.enabled) -}}
name: {{ .Values.s3.auth.existingSecret }}
accessKeyKey: {{ .Values.s3.auth.accessKeyKey }}
secretKeyKey: {{ .Values.s3.auth.secretKeyKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" . }}
accessKeyKey: s3-access-key
secretKeyKey: s3-secret-key
chartCreated: true
{{- end -}}
{{- end -}}

{{- define "ehr-platform.secret.chainWriter" -}}
{{- if and .Values.chain.writerKey.existingSecret (not .Values.evaluation.enabled) -}}
name: {{ .Values.chain.writerKey.existingSecret }}
privateKeyKey: {{ .Values.chain.writerKey.privateKeyKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" . }}
privateKeyKey: chain-writer-key
chartCreated: true
{{- end -}}
{{- end -}}

{{- define "ehr-platform.secret.smtp" -}}
{{- if .Values.smtp.auth.existingSecret -}}
name: {{ .Values.smtp.auth.existingSecret }}
usernameKey: {{ .Values.smtp.auth.usernameKey }}
passwordKey: {{ .Values.smtp.auth.passwordKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" . }}
usernameKey: smtp-username
passwordKey: smtp-password
chartCreated: true
{{- end -}}
{{- end -}}

{{/* The client secret of Keycloak client identity-service (its admin client). */}}
{{- define "ehr-platform.secret.identityClient" -}}
{{- if and .Values.keycloak.identityClient.existingSecret (not .Values.evaluation.enabled) -}}
name: {{ .Values.keycloak.identityClient.existingSecret }}
clientSecretKey: {{ .Values.keycloak.identityClient.clientSecretKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" . }}
clientSecretKey: keycloak-identity-client-secret
chartCreated: true
{{- end -}}
{{- end -}}

{{/* The client secret of a service's own Keycloak client (catalog clientSecretEnv; client id = the
     service's name). Args: ctx, key. */}}
{{- define "ehr-platform.secret.serviceClient" -}}
{{- $v := .ctx.Values -}}
{{- $client := index $v.keycloak.serviceClients .key -}}
{{- if and $v.keycloak.serviceClients.existingSecret (not $v.evaluation.enabled) -}}
name: {{ $v.keycloak.serviceClients.existingSecret }}
clientSecretKey: {{ $client.clientSecretKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" .ctx }}
clientSecretKey: {{ printf "keycloak-%s-client-secret" .key }}
chartCreated: true
{{- end -}}
{{- end -}}

{{/* The platform's own secrets: the chain-id hash secret and the key-encryption keys (kek-<id>). */}}
{{- define "ehr-platform.secret.platform" -}}
{{- if and .Values.platformSecrets.existingSecret (not .Values.evaluation.enabled) -}}
name: {{ .Values.platformSecrets.existingSecret }}
chainIdSecretKey: {{ .Values.platformSecrets.chainIdSecretKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" . }}
chainIdSecretKey: chain-id-secret
chartCreated: true
{{- end -}}
{{- end -}}

{{/* The key that deploys the contracts (contracts Job only). */}}
{{- define "ehr-platform.secret.chainDeployer" -}}
{{- if and .Values.chain.deployerKey.existingSecret (not .Values.evaluation.enabled) -}}
name: {{ .Values.chain.deployerKey.existingSecret }}
privateKeyKey: {{ .Values.chain.deployerKey.privateKeyKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" . }}
privateKeyKey: chain-deployer-key
chartCreated: true
{{- end -}}
{{- end -}}

{{- define "ehr-platform.chain.writerAddress" -}}
{{- if .Values.evaluation.enabled -}}{{ .Values.evaluation.anvil.writerAddress }}{{- else -}}{{ .Values.chain.writerAddress }}{{- end -}}
{{- end -}}

{{/* The realm file, as parsed JSON text. Fails when it is not valid JSON. */}}
{{- define "ehr-platform.realm" -}}
{{- $realm := .Files.Get "files/ehr-realm.json" | fromJson -}}
{{- if hasKey $realm "Error" -}}
{{- fail (printf "files/ehr-realm.json is not valid JSON: %s" $realm.Error) -}}
{{- end -}}
{{- toJson $realm -}}
{{- end -}}

{{/* The local-only secret of a client in the realm file (used in evaluation mode only). Args: ctx, clientId. */}}
{{- define "ehr-platform.realm.clientSecret" -}}
{{- $realm := include "ehr-platform.realm" .ctx | fromJson -}}
{{- $clientId := .clientId -}}
{{- range $client := $realm.clients -}}
{{- if eq $client.clientId $clientId -}}{{ $client.secret | default "" }}{{- end -}}
{{- end -}}
{{- end -}}

{{/* The secret of client identity-service in the realm file (used in evaluation mode only). */}}
{{- define "ehr-platform.realm.identityClientSecret" -}}
{{- include "ehr-platform.realm.clientSecret" (dict "ctx" . "clientId" "identity-service") -}}
{{- end -}}

{{- define "ehr-platform.secret.keycloakAdmin" -}}
{{- if and .Values.keycloak.realmImport.admin.existingSecret (not .Values.evaluation.enabled) -}}
name: {{ .Values.keycloak.realmImport.admin.existingSecret }}
usernameKey: {{ .Values.keycloak.realmImport.admin.usernameKey }}
passwordKey: {{ .Values.keycloak.realmImport.admin.passwordKey }}
{{- else -}}
name: {{ include "ehr-platform.credentialsSecretName" . }}
usernameKey: keycloak-admin-username
passwordKey: keycloak-admin-password
chartCreated: true
{{- end -}}
{{- end -}}

{{/* One env entry read from a Secret. Args: name (env var), secret, key. */}}
{{- define "ehr-platform.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end -}}

{{/* ---------------------------------------------------------------------------------------------
     Install-time Jobs and what they switch on.
     --------------------------------------------------------------------------------------------- */}}

{{/* Are all three contract addresses given? "true" or "". Fails on a partial set. */}}
{{- define "ehr-platform.contracts.addressesGiven" -}}
{{- $c := .Values.contracts -}}
{{- if and $c.patientRegistry $c.consentRegistry $c.anchorRegistry -}}
true
{{- else if or $c.patientRegistry $c.consentRegistry $c.anchorRegistry -}}
{{- fail "contracts: give all three addresses (patientRegistry, consentRegistry, anchorRegistry) or none" -}}
{{- end -}}
{{- end -}}

{{/* Does any enabled service read the chain's contracts? "true" or "". */}}
{{- define "ehr-platform.contracts.needed" -}}
{{- $catalog := include "ehr-platform.catalog" . | fromYaml -}}
{{- range $key := splitList " " (include "ehr-platform.serviceKeys" .) -}}
{{- if and (index $.Values.services $key).enabled (index $catalog $key).contracts -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* Run the contracts deployer Job? "true" or "". */}}
{{- define "ehr-platform.contracts.deployEnabled" -}}
{{- if and (or .Values.contracts.deploy.enabled .Values.evaluation.enabled) (not (include "ehr-platform.contracts.addressesGiven" .)) (include "ehr-platform.contracts.needed" .) -}}true{{- end -}}
{{- end -}}

{{- define "ehr-platform.contracts.configMapName" -}}
{{- printf "%s-contracts" (include "ehr-platform.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Run the realm import Job? "true" or "". */}}
{{- define "ehr-platform.realmImport.enabled" -}}
{{- if or .Values.keycloak.realmImport.enabled .Values.evaluation.enabled -}}true{{- end -}}
{{- end -}}

{{/* Pod security context of the platform's own pods (services and Jobs). */}}
{{- define "ehr-platform.podSecurityContext" -}}
{{- toYaml .Values.serviceDefaults.podSecurityContext -}}
{{- end -}}

{{/* Container security context of the platform's own containers. */}}
{{- define "ehr-platform.containerSecurityContext" -}}
{{- toYaml .Values.serviceDefaults.containerSecurityContext -}}
{{- end -}}

{{/* Hardened security context for third-party containers. Args: uid, readOnly (bool). */}}
{{- define "ehr-platform.thirdPartySecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
readOnlyRootFilesystem: {{ .readOnly }}
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* A list of NetworkPolicy ports from a list of numbers. Args: ports. */}}
{{- define "ehr-platform.networkPolicy.ports" -}}
{{- range .ports }}
- port: {{ . }}
  protocol: TCP
{{- end }}
{{- end -}}

{{/* ---------------------------------------------------------------------------------------------
     A service's configuration.
     --------------------------------------------------------------------------------------------- */}}

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
{{- if or (eq $key "identity") $entry.clientSecretEnv }}
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
{{- if $entry.kek }}
EHR_KEK_CURRENT: {{ $v.platformSecrets.kekCurrent | quote }}
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
{{- if eq $key "chainAnchor" }}
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
{{- if and (has "smtp" $entry.egress) $v.smtp.auth.enabled (not $v.evaluation.enabled) }}
{{- $smtp := include "ehr-platform.secret.smtp" $ctx | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "QUARKUS_MAILER_USERNAME" "secret" $smtp.name "key" $smtp.usernameKey) }}
{{ include "ehr-platform.secretEnv" (dict "name" "QUARKUS_MAILER_PASSWORD" "secret" $smtp.name "key" $smtp.passwordKey) }}
{{- end }}
{{- if $entry.clientSecretEnv }}
{{- $serviceClient := include "ehr-platform.secret.serviceClient" . | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" $entry.clientSecretEnv "secret" $serviceClient.name "key" $serviceClient.clientSecretKey) }}
{{- end }}
{{- if eq $key "identity" }}
{{- $client := include "ehr-platform.secret.identityClient" $ctx | fromYaml }}
{{ include "ehr-platform.secretEnv" (dict "name" "EHR_IDENTITY_CLIENT_SECRET" "secret" $client.name "key" $client.clientSecretKey) }}
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

{{/* ---------------------------------------------------------------------------------------------
     Network policies.
     --------------------------------------------------------------------------------------------- */}}

{{/* The evaluation server (component name and port) standing in for each external target. */}}
{{- define "ehr-platform.evaluationTargets" -}}
kafka: {component: evaluation-kafka, port: 9092}
database: {component: evaluation-mysql, port: 3306}
keycloak: {component: evaluation-keycloak, port: 8080}
s3: {component: evaluation-minio, port: 9000}
ethereum: {component: evaluation-anvil, port: 8545}
smtp: {component: evaluation-mailpit, port: 1025}
{{- end -}}

{{/* One egress rule to an infrastructure target (kafka, database, keycloak, s3, ethereum, smtp,
     kubeApiServer). Args: ctx, target. */}}
{{- define "ehr-platform.networkPolicy.egressRule" -}}
{{- $v := .ctx.Values -}}
{{- $evalTargets := include "ehr-platform.evaluationTargets" .ctx | fromYaml -}}
{{- if and $v.evaluation.enabled (hasKey $evalTargets .target) -}}
{{- $t := index $evalTargets .target -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "ehr-platform.selectorLabels" (dict "ctx" .ctx "component" $t.component) | nindent 10 }}
  ports:
    - port: {{ $t.port }}
      protocol: TCP
{{- else -}}
{{- $e := index $v.networkPolicy.egress .target -}}
{{- if and (not $e.to) (ne .target "kubeApiServer") -}}
{{- fail (printf "networkPolicy.egress.%s.to: list where %s runs (ipBlock, namespaceSelector or podSelector peers) - the network policies allow nothing else" .target .target) -}}
{{- end -}}
- ports:
    {{- include "ehr-platform.networkPolicy.ports" (dict "ports" $e.ports) | nindent 4 }}
  {{- with $e.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/* The egress rule to cluster DNS. */}}
{{- define "ehr-platform.networkPolicy.dnsRule" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with .Values.networkPolicy.dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* ---------------------------------------------------------------------------------------------
     Evaluation mode.
     --------------------------------------------------------------------------------------------- */}}

{{/* Metadata of an evaluation server's resources. Args: ctx, name. */}}
{{- define "ehr-platform.evaluation.metadata" -}}
name: {{ include "ehr-platform.evaluationName" . }}
namespace: {{ .ctx.Release.Namespace }}
labels:
  {{- include "ehr-platform.componentLabels" (dict "ctx" .ctx "component" (printf "evaluation-%s" .name)) | nindent 2 }}
  ehr.health/evaluation-only: "true"
annotations:
  {{- include "ehr-platform.annotations" .ctx | nindent 2 }}
{{- end -}}

{{/* The data volume of an evaluation server: a claim with persistence, else an emptyDir. Args: ctx, name. */}}
{{- define "ehr-platform.evaluation.dataVolume" -}}
- name: data
  {{- if .ctx.Values.evaluation.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "ehr-platform.evaluationName" . }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end -}}

{{/* The claim of an evaluation server when persistence is on. Args: ctx, name. */}}
{{- define "ehr-platform.evaluation.claim" -}}
{{- if .ctx.Values.evaluation.persistence.enabled }}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  {{- include "ehr-platform.evaluation.metadata" . | nindent 2 }}
spec:
  accessModes:
    - ReadWriteOnce
  {{- with .ctx.Values.evaluation.persistence.storageClass }}
  storageClassName: {{ . }}
  {{- end }}
  resources:
    requests:
      storage: {{ .ctx.Values.evaluation.persistence.size }}
{{- end }}
{{- end -}}

{{/* The Service of an evaluation server. Args: ctx, name, ports (list of {name, port}). */}}
{{- define "ehr-platform.evaluation.service" -}}
---
apiVersion: v1
kind: Service
metadata:
  {{- include "ehr-platform.evaluation.metadata" . | nindent 2 }}
spec:
  type: ClusterIP
  selector:
    {{- include "ehr-platform.selectorLabels" (dict "ctx" .ctx "component" (printf "evaluation-%s" .name)) | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .name }}
      protocol: TCP
    {{- end }}
{{- end -}}

{{/* Deployment head of an evaluation server (single replica, Recreate). Args: ctx, name, uid. */}}
{{- define "ehr-platform.evaluation.deploymentHead" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "ehr-platform.evaluation.metadata" . | nindent 2 }}
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels:
      {{- include "ehr-platform.selectorLabels" (dict "ctx" .ctx "component" (printf "evaluation-%s" .name)) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "ehr-platform.componentLabels" (dict "ctx" .ctx "component" (printf "evaluation-%s" .name)) | nindent 8 }}
        ehr.health/evaluation-only: "true"
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with include "ehr-platform.imagePullSecrets" .ctx }}{{ . | nindent 6 }}{{ end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .uid }}
        runAsGroup: {{ .uid }}
        fsGroup: {{ .uid }}
        seccompProfile:
          type: RuntimeDefault
{{- end -}}

{{/* ---------------------------------------------------------------------------------------------
     Install-time Jobs: Helm hooks (default) or ordinary resources (jobs.helmHooks=false).
     --------------------------------------------------------------------------------------------- */}}

{{/* Hook annotations of a Job or of what it needs. Args: ctx, weight. Empty when jobs are ordinary resources. */}}
{{- define "ehr-platform.hookAnnotations" -}}
{{- if .ctx.Values.jobs.helmHooks -}}
helm.sh/hook: post-install,post-upgrade
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end -}}
{{- end -}}

{{/* Name of a Job. As an ordinary resource it carries the release revision: a Job's pod template is
     immutable, so each upgrade runs a new Job (Helm removes the previous one). Args: ctx, name. */}}
{{- define "ehr-platform.jobName" -}}
{{- $base := printf "%s-%s" (include "ehr-platform.fullname" .ctx) .name | trunc 55 | trimSuffix "-" -}}
{{- if .ctx.Values.jobs.helmHooks -}}{{ $base }}{{- else -}}{{ printf "%s-r%d" $base (int .ctx.Release.Revision) }}{{- end -}}
{{- end -}}
