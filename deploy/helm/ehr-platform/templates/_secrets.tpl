{{/*
Credentials. Each ehr-platform.secret.* returns YAML {name, keys...}: an existing Secret named in
the values, or the chart-created Secret <fullname>-credentials (always the latter in evaluation mode).
Pods read them only through secretKeyRef (ehr-platform.secretEnv).
*/}}

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
