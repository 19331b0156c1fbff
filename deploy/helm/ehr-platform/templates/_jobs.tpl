{{/*
Install-time Jobs (contracts deployer, realm import): whether they run, and how: Helm hooks
(default) or ordinary resources (jobs.helmHooks=false).
*/}}

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
{{- include "ehr-platform.anyServiceWith" (dict "ctx" . "flag" "contracts") -}}
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
