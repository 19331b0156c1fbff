{{/*
What every pod of the chart shares: image references, image pull secrets and the hardened
security contexts (the platform's own pods from serviceDefaults, third-party containers fixed here).
*/}}

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
