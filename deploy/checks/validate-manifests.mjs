// Validates rendered Kubernetes manifests offline against the API schemas.
// Usage: node validate-manifests.mjs <file.yaml>...  (multi-document YAML, as `helm template` prints)
// Core and apps kinds come from kubernetes-models, PodMonitor/PrometheusRule from the
// prometheus-operator models, ScaledObject from the KEDA models. Strimzi publishes no such package,
// so its kinds get the structural checks below. A kind none of these know is an error: nothing the
// chart renders may go unchecked. Exit status: 0 when every document is valid, 1 otherwise.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const packages = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "keda.sh": "@kubernetes-models/keda",
};

async function modelClass(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const pkg = packages[group] ?? "kubernetes-models";
  const path = group === "" ? `${pkg}/${version}` : `${pkg}/${group}/${version}`;
  try {
    const mod = await import(path);
    return mod[kind];
  } catch {
    return undefined;
  }
}

const strimziChecks = {
  Kafka: (d) => [
    Array.isArray(d.spec?.kafka?.listeners) && d.spec.kafka.listeners.length > 0 || "spec.kafka.listeners must be a non-empty list",
    ...(d.spec?.kafka?.listeners ?? []).map((l, i) =>
      (typeof l.name === "string" && Number.isInteger(l.port) && ["internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"].includes(l.type) && typeof l.tls === "boolean")
        || `spec.kafka.listeners[${i}] needs name, an integer port, a known type and a boolean tls`),
    d.metadata?.annotations?.["strimzi.io/kraft"] === "enabled" || "metadata.annotations: strimzi.io/kraft must be enabled (ZooKeeper is gone)",
    d.metadata?.annotations?.["strimzi.io/node-pools"] === "enabled" || "metadata.annotations: strimzi.io/node-pools must be enabled",
    typeof d.spec?.entityOperator === "object" || "spec.entityOperator is needed for KafkaTopic resources",
  ],
  KafkaNodePool: (d) => [
    Number.isInteger(d.spec?.replicas) && d.spec.replicas > 0 || "spec.replicas must be a positive integer",
    Array.isArray(d.spec?.roles) && d.spec.roles.length > 0 && d.spec.roles.every((r) => ["broker", "controller"].includes(r)) || "spec.roles must list broker and/or controller",
    ["ephemeral", "persistent-claim", "jbod"].includes(d.spec?.storage?.type) || "spec.storage.type must be ephemeral, persistent-claim or jbod",
    typeof d.metadata?.labels?.["strimzi.io/cluster"] === "string" || "metadata.labels needs strimzi.io/cluster",
  ],
  KafkaTopic: (d) => [
    Number.isInteger(d.spec?.partitions) && d.spec.partitions > 0 || "spec.partitions must be a positive integer",
    Number.isInteger(d.spec?.replicas) && d.spec.replicas > 0 || "spec.replicas must be a positive integer",
    typeof d.metadata?.labels?.["strimzi.io/cluster"] === "string" || "metadata.labels needs strimzi.io/cluster",
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(d.metadata?.name ?? "") || "metadata.name must be a DNS subdomain",
    /^[A-Za-z0-9._-]+$/.test(d.spec?.topicName ?? d.metadata?.name ?? "") || "spec.topicName is not a legal Kafka topic name",
  ],
};

async function check(doc) {
  if (!doc.apiVersion || !doc.kind) return ["apiVersion and kind are required"];
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(doc.metadata?.name ?? "") || doc.metadata.name.length > 253) {
    return [`metadata.name '${doc.metadata?.name}' is not a DNS subdomain`];
  }
  if (doc.apiVersion.startsWith("kafka.strimzi.io/")) {
    if (doc.apiVersion !== "kafka.strimzi.io/v1beta2" || !strimziChecks[doc.kind]) {
      return [`unknown Strimzi resource ${doc.apiVersion} ${doc.kind}`];
    }
    return strimziChecks[doc.kind](doc).filter((r) => r !== true);
  }
  const Model = await modelClass(doc.apiVersion, doc.kind);
  if (!Model) return [`no schema known for ${doc.apiVersion} ${doc.kind}`];
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    return [String(e.message ?? e)];
  }
}

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d && typeof d === "object");
  for (const doc of docs) {
    checked++;
    const errors = await check(doc);
    if (errors.length > 0) {
      failures++;
      console.log(`INVALID ${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"} (${file}):`);
      for (const e of errors) console.log(`  ${e}`);
    } else {
      console.log(`ok ${doc.apiVersion} ${doc.kind}/${doc.metadata.name}`);
    }
  }
}
console.log(`${checked} documents, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
