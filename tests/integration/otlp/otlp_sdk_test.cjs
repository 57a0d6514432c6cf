// The real OpenTelemetry JavaScript SDK (npm, pinned in package.json) exports to the real
// fleetgate binary over OTLP/gRPC and OTLP/HTTP protobuf; every value is checked on /metrics,
// the text passes `promtool check metrics`, the instances go STALE when the exporters stop, and
// malformed input gets a clear refusal while the gateway keeps serving.
// Usage: node otlp_sdk_test.cjs <fleetgate binary>
"use strict";
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const zlib = require("node:zlib");
const { MeterProvider, PeriodicExportingMetricReader } = require("@opentelemetry/sdk-metrics");
const { resourceFromAttributes } = require("@opentelemetry/resources");
const grpcExporter = require("@opentelemetry/exporter-metrics-otlp-grpc");
const protoExporter = require("@opentelemetry/exporter-metrics-otlp-proto");
const { AggregationTemporalityPreference } = require("@opentelemetry/exporter-metrics-otlp-http");
const { startGateway, request, until } = require("./gateway.cjs");

function ok(what) { console.log("ok:", what); }

// An SDK whose reader only exports when flushed.
function sdk(instance, exporter) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3600000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ "service.name": "checkout", "service.instance.id": instance }),
    readers: [reader],
  });
  return { provider, meter: provider.getMeter("otlp-sdk-test") };
}

async function metricsText(gw) {
  return (await request(gw.http, { path: "/metrics" })).body.toString();
}

// The value of one sample line `name{labels} value`, labels in fleetgate's sorted order.
async function sample(gw, series) {
  const text = await metricsText(gw);
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function expectSample(gw, series, value) {
  assert.equal(await sample(gw, series), value, series);
  ok(`${series} = ${value}`);
}

async function cumulativeOverGrpc(gw) {
  const url = `http://127.0.0.1:${gw.grpc}`;
  let { provider, meter } = sdk("node-grpc", new grpcExporter.OTLPMetricExporter({ url }));
  const orders = meter.createCounter("orders", { unit: "{order}" });
  const depth = meter.createUpDownCounter("queue.depth");
  meter.createObservableGauge("cpu.utilization", { unit: "1" })
    .addCallback((result) => result.observe(0.25, { core: "0" }));
  const duration = meter.createHistogram("http.server.duration",
    { unit: "s", advice: { explicitBucketBoundaries: [1, 10, 100] } });
  orders.add(3, { kind: "web" });
  depth.add(5);
  depth.add(-2);
  for (const v of [0.5, 5, 50, 500]) duration.record(v);
  await provider.forceFlush();
  const id = 'instance="node-grpc",service="checkout"';
  await expectSample(gw, 'orders_total{instance="node-grpc",kind="web",service="checkout"}', 3);
  await expectSample(gw, `queue_depth{${id}}`, 3);
  await expectSample(gw, `cpu_utilization_ratio{core="0",${id}}`, 0.25);
  const h = "http_server_duration_seconds";
  await expectSample(gw, `${h}_bucket{${id},le="1"}`, 1);
  await expectSample(gw, `${h}_bucket{${id},le="10"}`, 2);
  await expectSample(gw, `${h}_bucket{${id},le="100"}`, 3);
  await expectSample(gw, `${h}_bucket{${id},le="+Inf"}`, 4);
  await expectSample(gw, `${h}_count{${id}}`, 4);
  await expectSample(gw, `${h}_sum{${id}}`, 555.5);
  // A second export of a cumulative counter adds only what is new; a third with nothing new adds 0.
  orders.add(2, { kind: "web" });
  await provider.forceFlush();
  await provider.forceFlush();
  const counter = 'orders_total{instance="node-grpc",kind="web",service="checkout"}';
  await expectSample(gw, counter, 5);
  // An SDK restart starts its cumulative counter over; fleetgate's counter keeps going up.
  await provider.shutdown();
  ({ provider, meter } = sdk("node-grpc", new grpcExporter.OTLPMetricExporter({ url })));
  meter.createCounter("orders", { unit: "{order}" }).add(4, { kind: "web" });
  await provider.forceFlush();
  await expectSample(gw, counter, 9);
  return provider;
}

async function deltaOverHttp(gw) {
  const exporter = new protoExporter.OTLPMetricExporter({
    url: `http://127.0.0.1:${gw.http}/v1/metrics`,
    temporalityPreference: AggregationTemporalityPreference.DELTA,
  });
  const { provider, meter } = sdk("node-http", exporter);
  const sent = meter.createCounter("bytes.sent", { unit: "By" });
  const latency = meter.createHistogram("rpc.latency", { unit: "s", advice: { explicitBucketBoundaries: [0.1, 1] } });
  sent.add(7);
  latency.record(0.05);
  await provider.forceFlush();
  sent.add(1);
  latency.record(2);
  await provider.forceFlush();
  const id = 'instance="node-http",service="checkout"';
  await expectSample(gw, `bytes_sent_bytes_total{${id}}`, 8);
  await expectSample(gw, `rpc_latency_seconds_bucket{${id},le="0.1"}`, 1);
  await expectSample(gw, `rpc_latency_seconds_bucket{${id},le="1"}`, 1);
  await expectSample(gw, `rpc_latency_seconds_bucket{${id},le="+Inf"}`, 2);
  await expectSample(gw, `rpc_latency_seconds_count{${id}}`, 2);
  return provider;
}

async function instanceStatus(gw, instance) {
  const response = await request(gw.http, { path: "/api/v1/services/checkout" });
  if (response.status !== 200) return undefined;
  const found = (JSON.parse(response.body).instances || []).find((i) => i.instance === instance);
  return found && found.status;
}

// Field 1 (resource_metrics) > 1 (resource) > 1 (attributes) > 1 (key): a key that is not UTF-8.
function invalidUtf8Export() {
  const key = Buffer.from([0x0a, 0x02, 0xc3, 0x28]);
  const attribute = Buffer.concat([Buffer.from([0x0a, key.length]), key]);
  const resource = Buffer.concat([Buffer.from([0x0a, attribute.length]), attribute]);
  return Buffer.concat([Buffer.from([0x0a, resource.length]), resource]);
}

function jsonExport(points, attributes = []) {
  return JSON.stringify({ resourceMetrics: [{
    resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } },
                             { key: "service.instance.id", value: { stringValue: "json-1" } }] },
    scopeMetrics: [{ metrics: [{ name: "temperature", gauge: { dataPoints: points.map((v) => ({ asDouble: v, attributes })) } }] }],
  }] });
}

// Sends raw bytes (framing Node's client would fix) and resolves the response's status code.
function rawStatus(port, bytes) {
  return new Promise((resolve, reject) => {
    const socket = require("node:net").connect(port, "127.0.0.1", () => socket.write(bytes));
    let text = "";
    socket.on("data", (data) => {
      text += data;
      const match = /^HTTP\/1\.1 (\d+)/.exec(text);
      if (match) { socket.destroy(); resolve(Number(match[1])); }
    });
    socket.on("error", reject);
  });
}

async function rejectedCount(gw, reason) {
  return (await sample(gw, `fleetgate_events_rejected_total{reason="${reason}"}`)) || 0;
}

async function badInput(gw) {
  const post = (headers, body, extra = {}) =>
    request(gw.http, { method: "POST", path: "/v1/metrics", headers, body, ...extra });
  const proto = { "content-type": "application/x-protobuf" };
  const json = { "content-type": "application/json" };
  let r = await post(proto, Buffer.from([0x0a, 0x40, 0x0a]));
  assert.equal(r.status, 400); assert.match(r.body.toString(), /malformed_payload/); ok("truncated protobuf: 400");
  r = await post({ "content-type": "text/plain" }, "hello");
  assert.equal(r.status, 415); ok("wrong content type: 415");
  r = await post(proto, invalidUtf8Export());
  assert.equal(r.status, 400); ok("invalid UTF-8: 400");
  r = await rawStatus(gw.http, "POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n" +
                               "Transfer-Encoding: chunked\r\n\r\nfffffffffff\r\n");
  assert.equal(r, 413); ok("crafted chunk size: 413");
  // Only the head is sent: the 413 must come from the announced length alone.
  r = await rawStatus(gw.http, "POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n" +
                               `Content-Length: ${100 * 1024 * 1024}\r\n\r\n`);
  assert.equal(r, 413); ok("100 MB body: 413 before it is sent");
  r = await post({ ...json, "content-encoding": "gzip" }, zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024)));
  assert.ok(r.status === 413, `gzip bomb: ${r.status}`); ok("gzip bomb: 413");
  const nonFinite = await rejectedCount(gw, "non_finite_value");
  r = await post(json, jsonExport(["NaN", "Infinity", 21.5]));
  assert.equal(r.status, 200);
  const answer = JSON.parse(r.body);
  assert.equal(Number(answer.partialSuccess.rejectedDataPoints), 2);
  assert.equal(await rejectedCount(gw, "non_finite_value"), nonFinite + 2);
  await expectSample(gw, 'temperature{instance="json-1",service="checkout"}', 21.5);
  const wide = Array.from({ length: 10000 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
  r = await post(json, jsonExport([1], wide));
  assert.equal(r.status, 200);
  assert.equal(Number(JSON.parse(r.body).partialSuccess.rejectedDataPoints), 1); ok("10k attributes: refused in partial_success");
  r = await request(gw.http, { path: "/metrics" });
  assert.equal(r.status, 200); ok("the gateway still serves");
}

(async () => {
  const binary = process.argv[2];
  // 1 MiB requests (the 10k-attribute export), a 2 s heartbeat.
  const gw = await startGateway(binary, { FLEETGATE_OTLP_HEARTBEAT_TTL: "2s", FLEETGATE_HTTP_MAX_REQUEST_BYTES: "1048576" });
  try {
    const grpcSdk = await cumulativeOverGrpc(gw);
    const httpSdk = await deltaOverHttp(gw);
    assert.equal(await instanceStatus(gw, "node-grpc"), "SERVING"); ok("node-grpc SERVING");
    assert.equal(await instanceStatus(gw, "node-http"), "SERVING"); ok("node-http SERVING");
    const text = await metricsText(gw);
    execFileSync(process.env.PROMTOOL || "promtool", ["check", "metrics"], { input: text });
    ok("promtool check metrics");
    await grpcSdk.shutdown();
    await httpSdk.shutdown();
    await until("node-grpc to go STALE", async () => (await instanceStatus(gw, "node-grpc")) === "STALE");
    await until("node-http to go STALE", async () => (await instanceStatus(gw, "node-http")) === "STALE");
    ok("exporters stopped: instances STALE");
    await badInput(gw);
  } catch (error) {
    console.error(gw.log());
    throw error;
  } finally {
    await gw.stop();
  }
})().catch((error) => { console.error(error); process.exit(1); });
