{{/*
Names and labels: the chart's name and the prefix of every resource name, the standard
app.kubernetes.io/* labels and common annotations, and the names of a service's and an evaluation
server's resources. Every helper of the chart is named ehr-platform.<thing>; the chart README
(section "Templates") lists which file holds which.
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

{{/* Name of a service's resources (Deployment, Service, ConfigMap). Args: ctx, key. */}}
{{- define "ehr-platform.serviceFullname" -}}
{{- $catalog := include "ehr-platform.catalog" .ctx | fromYaml -}}
{{- printf "%s-%s" (include "ehr-platform.fullname" .ctx) (index $catalog .key).name | trunc 63 | trimSuffix "-" -}}
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

{{/* Name of an evaluation server's resources. Args: ctx, name. */}}
{{- define "ehr-platform.evaluationName" -}}
{{- printf "%s-eval-%s" (include "ehr-platform.fullname" .ctx) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
