{{/*
Evaluation mode - NOT FOR PRODUCTION: the pieces every in-cluster stand-in server
(templates/evaluation/) shares.
*/}}

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
