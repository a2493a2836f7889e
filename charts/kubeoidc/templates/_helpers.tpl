{{/* The chart name (or nameOverride). */}}
{{- define "kubeoidc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The full name: fullnameOverride, else the release name when it contains the chart name, else <release>-<chart>. */}}
{{- define "kubeoidc.fullname" -}}
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

{{/* Name of the operator's Deployment, Service and (namespaced) RBAC objects. */}}
{{- define "kubeoidc.operatorName" -}}
{{- printf "%s-operator" (include "kubeoidc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Cluster-scoped names carry the namespace so that two releases in different namespaces do not collide. */}}
{{- define "kubeoidc.clusterName" -}}
{{- printf "%s-%s-operator" .Release.Namespace (include "kubeoidc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kubeoidc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kubeoidc.operatorName" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kubeoidc.redisName" -}}
{{- printf "%s-redis" (include "kubeoidc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The image reference: digest wins over tag; the tag defaults to the chart's appVersion. */}}
{{- define "kubeoidc.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object of the chart. */}}
{{- define "kubeoidc.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "kubeoidc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: kubeoidc
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of the operator's pods. */}}
{{- define "kubeoidc.operatorSelectorLabels" -}}
app.kubernetes.io/name: {{ include "kubeoidc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "kubeoidc.redisSelectorLabels" -}}
app.kubernetes.io/name: {{ include "kubeoidc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: redis
{{- end -}}
