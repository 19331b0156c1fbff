{{/*
Network policies (networkpolicy.yaml): the rules shared by the service, Job and evaluation policies.
*/}}

{{/* A list of NetworkPolicy ports from a list of numbers. Args: ports. */}}
{{- define "ehr-platform.networkPolicy.ports" -}}
{{- range .ports }}
- port: {{ . }}
  protocol: TCP
{{- end }}
{{- end -}}

{{/* The evaluation server (component name and port) standing in for each external target;
     managementPort: a second port the release's pods may reach (Keycloak's health endpoints). */}}
{{- define "ehr-platform.evaluationTargets" -}}
kafka: {component: evaluation-kafka, port: 9092}
database: {component: evaluation-mysql, port: 3306}
keycloak: {component: evaluation-keycloak, port: 8080, managementPort: 9000}
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
