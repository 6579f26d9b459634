{{/* The chart name, shortened to what a label allows. */}}
{{- define "ne.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every resource name: <release>-neuron-explainer, or the release name when it already says so. */}}
{{- define "ne.fullname" -}}
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

{{/* Recommended labels shared by every resource. */}}
{{- define "ne.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "ne.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: neuron-explainer
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component; call with (dict "root" $ "component" "coordinator"). */}}
{{- define "ne.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ne.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The Kubernetes name of a worker pool: <fullname>-worker-<pool>. */}}
{{- define "ne.poolName" -}}
{{- printf "%s-worker-%s" (include "ne.fullname" .root) .pool | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ne.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ne.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* image reference; call with (dict "root" $ "flavor" "cpu"|"cuda"). */}}
{{- define "ne.image" -}}
{{- $img := ternary .root.Values.cudaImage .root.Values.image (eq .flavor "cuda") }}
{{- printf "%s:%s" $img.repository (default .root.Chart.AppVersion $img.tag) }}
{{- end }}

{{- define "ne.imagePullPolicy" -}}
{{- $img := ternary .root.Values.cudaImage .root.Values.image (eq .flavor "cuda") }}
{{- $img.pullPolicy }}
{{- end }}

{{/* The bootstrap servers the pods use: the Strimzi cluster's, or the configured ones. */}}
{{- define "ne.bootstrapServers" -}}
{{- if .Values.strimzi.enabled }}
{{- printf "%s-kafka-bootstrap:%s" .Values.strimzi.clusterName (ternary "9093" "9092" .Values.kafka.tls.enabled) }}
{{- else }}
{{- required "kafka.bootstrapServers is required (host:port[,host:port...]) unless strimzi.enabled" .Values.kafka.bootstrapServers }}
{{- end }}
{{- end }}

{{/* The Secret with the Kafka CA to trust: the configured one, or the Strimzi cluster's CA. */}}
{{- define "ne.kafkaCaSecret" -}}
{{- if .Values.kafka.tls.enabled }}
{{- if .Values.kafka.tls.caSecret }}
{{- .Values.kafka.tls.caSecret }}
{{- else if .Values.strimzi.enabled }}
{{- printf "%s-cluster-ca-cert" .Values.strimzi.clusterName }}
{{- end }}
{{- end }}
{{- end }}

{{/* The KEDA TriggerAuthentication the lag scalers use: the configured one, or the chart's own for a CA. */}}
{{- define "ne.kedaAuth" -}}
{{- if .Values.kafka.kedaTriggerAuthentication }}
{{- .Values.kafka.kedaTriggerAuthentication }}
{{- else if include "ne.kafkaCaSecret" . }}
{{- printf "%s-kafka" (include "ne.fullname" .) }}
{{- end }}
{{- end }}

{{/* The stages a pipeline knows; a pool naming another fails. */}}
{{- define "ne.knownStages" -}}
capture collate explain-and-score weights
{{- end }}

{{/*
Stage names of older versions: explain, simulate and score became the one per-neuron stage
explain-and-score (WorkerConfig). A pool naming one fails with the name to use.
*/}}
{{- define "ne.mergedStages" -}}
explain simulate score
{{- end }}

{{/*
Checks of values that the schema cannot express; each failure names the value to fix.
Rendered once, from the ConfigMap.
*/}}
{{- define "ne.validate" -}}
{{- if not .Values.secrets.apiToken.name }}
{{- fail "secrets.apiToken.name is required: the name of an existing Secret holding the coordinator's API bearer token, COORDINATOR_API_TOKEN (key secrets.apiToken.key)" }}
{{- end }}
{{- if and .Values.secrets.llm.required (not .Values.secrets.llm.name) }}
{{- fail "secrets.llm.name is required: the name of an existing Secret holding the LLM API key (key secrets.llm.key); set secrets.llm.required=false for an endpoint that needs no key" }}
{{- end }}
{{- if and .Values.kafka.sasl.enabled (not .Values.kafka.sasl.jaasSecret) }}
{{- fail "kafka.sasl.jaasSecret is required when kafka.sasl.enabled: the name of an existing Secret holding the sasl.jaas.config line" }}
{{- end }}
{{- $known := splitList " " (include "ne.knownStages" .) }}
{{- $merged := splitList " " (include "ne.mergedStages" .) }}
{{- $enabled := 0 }}
{{- range $pool, $p := .Values.workers }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $pool) }}
{{- fail (printf "workers.%s: a pool name must be lower-case letters, digits and '-' (it becomes part of resource names)" $pool) }}
{{- end }}
{{- if $p.enabled }}
{{- $enabled = add1 $enabled }}
{{- if not $p.stages }}
{{- fail (printf "workers.%s.stages is empty: a worker pool must name the stages it runs (one or more of: %s)" $pool (join ", " $known)) }}
{{- end }}
{{- range $p.stages }}
{{- if has . $merged }}
{{- fail (printf "workers.%s.stages: %q is no longer a stage: explain, simulate and score run as one job per neuron, the stage \"explain-and-score\"; name that instead (e.g. stages: [collate, explain-and-score, weights])" $pool .) }}
{{- end }}
{{- if not (has . $known) }}
{{- fail (printf "workers.%s.stages: unknown stage %q (known: %s)" $pool . (join ", " $known)) }}
{{- end }}
{{- end }}
{{- if and $p.env (hasKey $p.env "LLM_BATCHER") }}
{{- fail (printf "workers.%s.env.LLM_BATCHER: run the batcher with batcher.enabled, its one pod; a pool's replicas would each send the same parked calls" $pool) }}
{{- end }}
{{- if and $p.autoscaling $p.autoscaling.enabled $.Values.kafka.sasl.enabled (not $.Values.kafka.kedaTriggerAuthentication) }}
{{- fail (printf "workers.%s.autoscaling needs kafka.kedaTriggerAuthentication when kafka.sasl.enabled: the name of an existing KEDA TriggerAuthentication with the SASL credentials" $pool) }}
{{- end }}
{{- if and $p.autoscaling $p.autoscaling.enabled (gt (int $p.autoscaling.minReplicas) (int $p.autoscaling.maxReplicas)) }}
{{- fail (printf "workers.%s.autoscaling: minReplicas (%v) is above maxReplicas (%v)" $pool $p.autoscaling.minReplicas $p.autoscaling.maxReplicas) }}
{{- end }}
{{- end }}
{{- end }}
{{- if eq $enabled 0 }}
{{- fail "workers: no pool is enabled, so no stage would run; enable at least one pool" }}
{{- end }}
{{- include "ne.validateVllm" . }}
{{- end }}

{{/* Environment shared by every container: the ConfigMap, then the secrets by reference. */}}
{{/* Call with (dict "root" $ "llm" true|false): only pods that call the LLM get its key. */}}
{{- define "ne.env" -}}
{{- $llm := .llm }}
{{- $hub := .hub }}
{{- with .root }}
- name: JAVA_TOOL_OPTIONS
  value: {{ .Values.javaOptions | quote }}
{{- if and $hub .Values.secrets.hub.name }}
# Gated or private hub models and SAEs: the coordinator reads their configs, capture and collate
# download them.
- name: HF_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.hub.name }}
      key: {{ .Values.secrets.hub.key }}
{{- end }}
{{- if and $llm .Values.secrets.llm.name }}
- name: {{ include "ne.llmKeyVariable" . }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.llm.name }}
      key: {{ .Values.secrets.llm.key }}
{{- end }}
{{- if .Values.kafka.sasl.enabled }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.jaasSecret }}
      key: {{ .Values.kafka.sasl.jaasKey }}
{{- end }}
{{- end }}
{{- end }}

{{/* The PersistentVolumeClaim of the store: the existing one, or the chart's. */}}
{{- define "ne.storeClaim" -}}
{{- default (printf "%s-store" (include "ne.fullname" .)) .Values.store.existingClaim }}
{{- end }}

{{/* Volumes every pod mounts: the store, a writable /tmp and the DJL cache on a read-only root filesystem. */}}
{{- define "ne.volumes" -}}
- name: store
  persistentVolumeClaim:
    claimName: {{ include "ne.storeClaim" .root }}
- name: tmp
  emptyDir:
    sizeLimit: {{ .root.Values.tmpSize }}
- name: djl-cache
  emptyDir:
    sizeLimit: {{ .cacheSize }}
{{- with include "ne.kafkaCaSecret" .root }}
- name: kafka-ca
  secret:
    secretName: {{ . }}
    items:
      - key: {{ $.root.Values.kafka.tls.caKey }}
        path: ca.crt
{{- end }}
{{- end }}

{{- define "ne.volumeMounts" -}}
- name: store
  mountPath: {{ .Values.store.mountPath }}
- name: tmp
  mountPath: /tmp
- name: djl-cache
  mountPath: /var/cache/djl
{{- if include "ne.kafkaCaSecret" . }}
- name: kafka-ca
  mountPath: /etc/neuron-explainer/kafka-ca
  readOnly: true
{{- end }}
{{- end }}

{{/* Probes on the ops endpoints; every process serves /healthz and /readyz. */}}
{{- define "ne.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  {{- toYaml .Values.probes.liveness | nindent 2 }}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  {{- toYaml .Values.probes.readiness | nindent 2 }}
{{- end }}

{{/* Pod annotations: the config checksum rolls pods on a change; scrape hints for plain Prometheus. */}}
{{- define "ne.podAnnotations" -}}
checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
{{- if .root.Values.monitoring.scrapeAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .root.Values.httpPort | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The vLLM server's Deployment and Service name. */}}
{{- define "ne.vllmName" -}}
{{- printf "%s-vllm" (include "ne.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The vLLM server's address inside the cluster, without the /v1 of its OpenAI API. */}}
{{- define "ne.vllmAddress" -}}
{{- printf "http://%s:%d" (include "ne.vllmName" .) (int .Values.vllm.port) }}
{{- end }}

{{/* Which of the workers' LLM calls go to the chart's vLLM server: all, explainer, simulator or none. */}}
{{- define "ne.vllmEndpointFor" -}}
{{- if .Values.vllm.enabled }}{{ .Values.vllm.workers.endpointFor }}{{ else }}none{{ end }}
{{- end }}

{{/* "true" when some of the workers' LLM calls go to the chart's vLLM server. */}}
{{- define "ne.vllmServesWorkers" -}}
{{- if ne (include "ne.vllmEndpointFor" .) "none" }}true{{ end }}
{{- end }}

{{/* The variable the LLM key secret is given as: the hosted endpoint's, which with endpointFor=explainer is the simulator's. */}}
{{- define "ne.llmKeyVariable" -}}
{{- if eq (include "ne.vllmEndpointFor" .) "explainer" }}LLM_SIMULATOR_API_KEY{{ else }}LLM_API_KEY{{ end }}
{{- end }}

{{/* Checks of the vLLM values that the schema cannot express. */}}
{{- define "ne.validateVllm" -}}
{{- with .Values.vllm }}
{{- if .enabled }}
{{- if not .model.name }}
{{- fail "vllm.model.name is required when vllm.enabled: the model's hub id (owner/name), or with vllm.model.claim the name requests use for the model in that claim" }}
{{- end }}
{{- if gt (int .tensorParallelSize) (int .gpus) }}
{{- fail (printf "vllm.tensorParallelSize (%v) is above vllm.gpus (%v): each tensor-parallel rank needs a GPU of the pod" .tensorParallelSize .gpus) }}
{{- end }}
{{- if and (eq .workers.endpointFor "all") (eq $.Values.config.llm.apiFlavor "azure") }}
{{- fail "vllm.workers.endpointFor=all needs config.llm.apiFlavor=openai: vLLM serves the OpenAI API paths, not Azure's" }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
