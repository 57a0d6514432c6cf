{{/* Chart name, overridable with nameOverride. */}}
{{- define "fleetgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, at most 63 characters (a DNS label). When the release name already
contains the chart name it is used alone.
*/}}
{{- define "fleetgate.fullname" -}}
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

{{- define "fleetgate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels on every object but the component, which each object names once. */}}
{{- define "fleetgate.baseLabels" -}}
helm.sh/chart: {{ include "fleetgate.chart" . }}
app.kubernetes.io/name: {{ include "fleetgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fleetgate
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of the gateway's objects. */}}
{{- define "fleetgate.labels" -}}
{{ include "fleetgate.baseLabels" . }}
app.kubernetes.io/component: gateway
{{- end }}

{{/* Labels that select the gateway's pods; never change them after install. */}}
{{- define "fleetgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fleetgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "fleetgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fleetgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "fleetgate.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end }}

{{/*
The gateway's configuration file: .Values.config with the listen addresses and the database
path taken from containerPorts and persistence, so the pod spec and the config always agree.
*/}}
{{- define "fleetgate.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $grpc := merge (dict "address" (printf "0.0.0.0:%d" (int .Values.containerPorts.grpc))) (get $config "grpc" | default dict) -}}
{{- $http := merge (dict "address" (printf "0.0.0.0:%d" (int .Values.containerPorts.http))) (get $config "http" | default dict) -}}
{{- $storage := merge (dict "database" (printf "%s/%s" (trimSuffix "/" .Values.persistence.mountPath) .Values.persistence.databaseFile)) (get $config "storage" | default dict) -}}
{{- $_ := set $config "grpc" $grpc -}}
{{- $_ := set $config "http" $http -}}
{{- $_ := set $config "storage" $storage -}}
{{- $alerting := get $config "alerting" | default dict -}}
{{- $ruleFiles := get $alerting "rule_files" | default list -}}
{{- range $name, $_ := .Values.alertRules -}}
{{- $ruleFiles = append $ruleFiles (printf "/etc/fleetgate/rules-%s.yaml" $name) -}}
{{- end -}}
{{- $_ := set $alerting "rule_files" $ruleFiles -}}
{{- $_ := set $config "alerting" $alerting -}}
{{- if .Values.auth.existingSecret -}}
{{- $auth := merge (dict "tokens_file" (printf "/etc/fleetgate-auth/%s" .Values.auth.existingSecretKey)) (get $config "auth" | default dict) -}}
{{- $_ := set $config "auth" $auth -}}
{{- end -}}
{{- if include "fleetgate.tlsSecretName" . -}}
{{- $tls := merge (dict "cert_file" "/etc/fleetgate-tls/tls.crt" "key_file" "/etc/fleetgate-tls/tls.key" "client_auth" .Values.tls.clientAuth) (get $config "tls" | default dict) -}}
{{- if .Values.tls.clientCaKey -}}
{{- $_ := set $tls "client_ca_file" (printf "/etc/fleetgate-tls/%s" .Values.tls.clientCaKey) -}}
{{- end -}}
{{- $_ := set $config "tls" $tls -}}
{{- end -}}
{{- toYaml $config -}}
{{- end }}

{{/*
The Secret with the gRPC port's certificate: tls.existingSecret, or the one the cert-manager
Certificate writes. Empty: the gRPC port is plaintext.
*/}}
{{- define "fleetgate.tlsSecretName" -}}
{{- if .Values.tls.existingSecret -}}
{{- .Values.tls.existingSecret -}}
{{- else if .Values.tls.certManager.enabled -}}
{{- printf "%s-tls" (include "fleetgate.fullname" .) -}}
{{- end -}}
{{- end }}

{{/* "true" when the gateway keeps its state in PostgreSQL (several replicas allowed). */}}
{{- define "fleetgate.postgres" -}}
{{- $storage := get (.Values.config | default dict) "storage" | default dict -}}
{{- eq (get $storage "backend" | default "sqlite") "postgres" -}}
{{- end -}}
