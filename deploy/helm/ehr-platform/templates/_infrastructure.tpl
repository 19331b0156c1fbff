{{/*
Where the infrastructure is: the values, or the in-cluster servers in evaluation mode.
*/}}

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

{{- define "ehr-platform.chain.writerAddress" -}}
{{- if .Values.evaluation.enabled -}}{{ .Values.evaluation.anvil.writerAddress }}{{- else -}}{{ .Values.chain.writerAddress }}{{- end -}}
{{- end -}}
