{{/*
The chart name, overridable with nameOverride.
*/}}
{{- define "open-responses-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A fully qualified app name, truncated at 63 characters (the DNS label limit).
When the release name already contains the chart name it is used as is.
*/}}
{{- define "open-responses-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the helm.sh/chart label.
*/}}
{{- define "open-responses-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "open-responses-gateway.labels" -}}
helm.sh/chart: {{ include "open-responses-gateway.chart" . }}
{{ include "open-responses-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels the Service, PDB and HPA select pods by; never change them after the first install.
*/}}
{{- define "open-responses-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "open-responses-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The service account the pods run as.
*/}}
{{- define "open-responses-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "open-responses-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The container image, its tag defaulting to the chart's appVersion.
*/}}
{{- define "open-responses-gateway.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
An env value as text. Helm reads numbers in values as floats, which print as
3.3554432e+07; toJson prints 33554432, so the pod sees the number as written.
*/}}
{{- define "open-responses-gateway.envValue" -}}
{{- if kindIs "string" . }}{{ . }}{{ else }}{{ toJson . }}{{ end }}
{{- end }}

{{/*
Where the MCP servers and upstreams files are mounted.
*/}}
{{- define "open-responses-gateway.configDir" -}}
/etc/open-responses-gateway
{{- end }}

{{/*
"true" when the chart renders its own Secret: secrets, or a Redis URL not taken from an existing Secret.
*/}}
{{- define "open-responses-gateway.createSecret" -}}
{{- if or .Values.secrets (and .Values.redis.url (not .Values.redis.existingSecret)) }}true{{ end }}
{{- end }}

{{/*
"true" when files are mounted in configDir: MCP servers, upstreams or client API keys.
*/}}
{{- define "open-responses-gateway.hasConfigFiles" -}}
{{- if or .Values.mcpServers .Values.upstreams .Values.apiKeysSecret.name .Values.keysFileSecret.name }}true{{ end }}
{{- end }}

{{/*
resources.limits.memory in MiB, rounded down; empty without a memory limit.
values.schema.json admits plain bytes, or an integer with a binary (Ki, Mi,
Gi, Ti) or decimal (k, M, G, T) suffix.
*/}}
{{- define "open-responses-gateway.memoryLimitMiB" -}}
{{- $limit := "" }}
{{- with .Values.resources }}{{ with .limits }}{{ with .memory }}{{ $limit = . }}{{ end }}{{ end }}{{ end }}
{{- if not (kindIs "string" $limit) }}
{{- if $limit }}{{ div (int $limit) 1048576 }}{{ end }}
{{- else if hasSuffix "Ki" $limit }}{{ div (trimSuffix "Ki" $limit | int) 1024 }}
{{- else if hasSuffix "Mi" $limit }}{{ trimSuffix "Mi" $limit | int }}
{{- else if hasSuffix "Gi" $limit }}{{ mul (trimSuffix "Gi" $limit | int) 1024 }}
{{- else if hasSuffix "Ti" $limit }}{{ mul (trimSuffix "Ti" $limit | int) 1048576 }}
{{- else if hasSuffix "k" $limit }}{{ div (mul (trimSuffix "k" $limit | int) 1000) 1048576 }}
{{- else if hasSuffix "M" $limit }}{{ div (mul (trimSuffix "M" $limit | int) 1000000) 1048576 }}
{{- else if hasSuffix "G" $limit }}{{ div (mul (trimSuffix "G" $limit | int) 1000000000) 1048576 }}
{{- else if hasSuffix "T" $limit }}{{ div (mul (trimSuffix "T" $limit | int) 1000000000000) 1048576 }}
{{- else if $limit }}{{ div (int $limit) 1048576 }}
{{- end }}
{{- end }}

{{/*
NODE_OPTIONS of the gateway: V8's heap cap (--max-old-space-size) at
heapPercentOfMemoryLimit of the memory limit, then nodeOptions (where a
--max-old-space-size of its own wins: V8 takes the last one). The gateway
derives its memory budget of request bodies from the heap it gets.
*/}}
{{- define "open-responses-gateway.nodeOptions" -}}
{{- $heap := "" }}
{{- with include "open-responses-gateway.memoryLimitMiB" . }}
{{- $heap = printf "--max-old-space-size=%d" (div (mul (int .) $.Values.heapPercentOfMemoryLimit) 100) }}
{{- end }}
{{- if and $heap .Values.nodeOptions }}
{{- printf "%s %s" $heap .Values.nodeOptions }}
{{- else }}
{{- default .Values.nodeOptions $heap }}
{{- end }}
{{- end }}

{{/*
The paths an Ingress host routes when it lists none: the API only (/v1,
/responses, and /<name>/v1 of each named upstream). /metrics, /docs and the
probes stay inside the cluster.
*/}}
{{- define "open-responses-gateway.apiPaths" -}}
- path: /v1
  pathType: Prefix
- path: /responses
  pathType: Prefix
{{- range $name, $_ := .Values.upstreams }}
- path: {{ printf "/%s/v1" $name }}
  pathType: Prefix
{{- end }}
{{- end }}

{{/*
metrics.port as an integer; empty when /metrics stays on the API port.
*/}}
{{- define "open-responses-gateway.metricsPort" -}}
{{- with .Values.metrics }}{{ with .port }}{{ int . }}{{ end }}{{ end }}
{{- end }}
