// Live events and maintenance through the real fleetgate binary over real HTTP and gRPC (fgctl):
// SSE events arrive in order; a reconnect with Last-Event-ID replays what was missed, and one from
// beyond the ring gets `event: reset`; a maintenance window shows as MAINTENANCE in the API and in
// fleetgate_instance_status, keeps a health rule from firing, and ends with DELETE.
// Usage: node events_maintenance_test.cjs <fleetgate> <fgctl>
"use strict";
const assert = require("node:assert/strict");
const http = require("node:http");
const { startGateway, request, until } = require("../otlp/gateway.cjs");
const { report, api } = require("./fleet.cjs");

const [fleetgate, fgctl] = process.argv.slice(2);
const RING = 8;

function ok(what) { console.log("ok:", what); }

// An open /api/v1/events stream; `events` fills as they arrive: {id, event, data}.
function subscribe(gw, lastEventId) {
  return new Promise((resolve, reject) => {
    const headers = lastEventId === undefined ? {} : { "Last-Event-ID": String(lastEventId) };
    const req = http.get({ host: "127.0.0.1", port: gw.http, path: "/api/v1/events", headers }, (res) => {
      const stream = { status: res.statusCode, events: [], close: () => req.destroy() };
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (text) => {
        buffer += text;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = {};
          for (const line of block.split("\n")) {
            const colon = line.indexOf(":");
            if (colon <= 0) continue;  // a comment (heartbeat) or a blank line
            event[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, "");
          }
          if (event.event) stream.events.push({ ...event, data: event.data && JSON.parse(event.data) });
        }
      });
      res.on("error", () => {});
      resolve(stream);
    });
    req.on("error", (error) => { if (error.code !== "ECONNRESET") reject(error); });
  });
}

const tos = (events) => events.map((e) => e.data.to);

async function eventsInOrder(gw) {
  const stream = await subscribe(gw);
  assert.equal(stream.status, 200);
  const sequence = ["SERVING", "NOT_SERVING", "DEGRADED", "SERVING", "NOT_SERVING"];
  for (const status of sequence) await report(fgctl, gw, "orders", "o-1", status);
  // A first sighting is one transition, from null to the reported status.
  await until("five transitions", () => stream.events.length >= 5);
  assert.deepEqual(tos(stream.events), sequence);
  assert.equal(stream.events[0].data.from, null, "first sighting");
  const ids = stream.events.map((e) => Number(e.id));
  ids.forEach((id, k) => { if (k > 0) assert.equal(id, ids[k - 1] + 1, `ids ${ids}`); });
  assert.ok(stream.events.every((e) => e.event === "transition" && e.data.service === "orders"));
  ok("events arrive in order over real HTTP, ids consecutive");
  return stream;
}

async function reconnectReplays(gw, stream) {
  const lastSeen = Number(stream.events[stream.events.length - 1].id);
  stream.close();
  const missed = ["DEGRADED", "SERVING", "NOT_SERVING"];
  for (const status of missed) await report(fgctl, gw, "orders", "o-1", status);
  const again = await subscribe(gw, lastSeen);
  await report(fgctl, gw, "orders", "o-1", "SERVING");  // a live one after the replay
  await until("the missed and the live events", () => again.events.length >= 4);
  assert.deepEqual(tos(again.events), [...missed, "SERVING"]);
  assert.deepEqual(again.events.map((e) => Number(e.id)), [lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4]);
  again.close();
  ok("a reconnect with Last-Event-ID replays what was missed, then the live events");

  // The ring holds RING events: after RING more, lastSeen + 1 is gone.
  for (let k = 0; k < RING; k++) await report(fgctl, gw, "orders", "o-2", k % 2 ? "SERVING" : "DEGRADED");
  const tooOld = await subscribe(gw, lastSeen);
  await until("reset", () => tooOld.events.length >= 1);
  assert.equal(tooOld.events[0].event, "reset");
  tooOld.close();
  ok("a Last-Event-ID older than the ring gets event: reset first");

  const bad = await request(gw.http, { path: "/api/v1/events", headers: { "Last-Event-ID": "abc" } });
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).error.code, "invalid_argument");
  ok("a malformed Last-Event-ID gets 400 invalid_argument");
}

async function statusSample(gw, service, instance) {
  const text = (await request(gw.http, { path: "/metrics" })).body.toString();
  const prefix = `fleetgate_instance_status{instance="${instance}",service="${service}",status="`;
  const line = text.split("\n").find((l) => l.startsWith(prefix) && l.endsWith(" 1"));
  return line && line.slice(prefix.length, line.indexOf('"', prefix.length));
}

// Waits until the rule has been evaluated twice after now, so a firing would have shown.
async function twoEvaluations(gw, rule) {
  const after = Date.now();
  let seen = 0;
  let last = "";
  await until("two evaluations", async () => {
    const { body } = await api(gw, "GET", "/api/v1/rules");
    const evaluated = body.rules.find((r) => r.name === rule).lastEvaluation;
    if (evaluated && evaluated !== last && Date.parse(evaluated) > after) { seen++; last = evaluated; }
    return seen >= 2;
  });
}

async function alertsFor(gw, instance) {
  const { body } = await api(gw, "GET", "/api/v1/alerts");
  return body.data.alerts.filter((a) => a.labels.instance === instance);
}

async function maintenance(gw) {
  await report(fgctl, gw, "billing", "b-1", "SERVING");
  const rule = await api(gw, "POST", "/api/v1/rules", { name: "BillingInstanceDown", kind: "health",
    health: { service: "billing", condition: "instance_not_serving" }, for: "0s" });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));

  const until_ = new Date(Date.now() + 3600e3).toISOString();
  const put = await api(gw, "PUT", "/api/v1/services/billing/instances/b-1/maintenance",
    { until: until_, reason: "kernel upgrade" });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await report(fgctl, gw, "billing", "b-1", "NOT_SERVING", { detail: "rebooting" });
  const inst = (await api(gw, "GET", "/api/v1/services/billing/instances/b-1")).body;
  assert.equal(inst.status, "MAINTENANCE");
  assert.equal(inst.maintenance.reason, "kernel upgrade");
  assert.equal(inst.maintenance.reported_status, "NOT_SERVING");
  assert.equal(await statusSample(gw, "billing", "b-1"), "MAINTENANCE");
  ok("PUT maintenance: MAINTENANCE in the instance JSON and in fleetgate_instance_status");

  await twoEvaluations(gw, "BillingInstanceDown");
  assert.deepEqual(await alertsFor(gw, "b-1"), [], "no alert for an instance in maintenance");
  ok("a health rule does not fire for an instance in maintenance that reports NOT_SERVING");

  const del = await api(gw, "DELETE", "/api/v1/services/billing/instances/b-1/maintenance");
  assert.equal(del.status, 204);
  const after = (await api(gw, "GET", "/api/v1/services/billing/instances/b-1")).body;
  assert.equal(after.status, "NOT_SERVING", "what it reported meanwhile");
  assert.equal(after.maintenance ?? null, null);
  assert.equal(await statusSample(gw, "billing", "b-1"), "NOT_SERVING");
  await until("the alert once maintenance ended", async () =>
    (await alertsFor(gw, "b-1")).some((a) => a.state === "firing"));
  const again = await api(gw, "DELETE", "/api/v1/services/billing/instances/b-1/maintenance");
  assert.equal(again.status, 404);
  assert.equal(again.body.error.code, "not_in_maintenance");
  // History is written behind the registry: poll until the window's way out is stored.
  const path = await until("the window in history", async () => {
    const history = (await api(gw, "GET", "/api/v1/services/billing/history?instance=b-1")).body;
    const tos_ = history.transitions.slice().reverse().map((t) => t.to);
    return tos_.length >= 3 && tos_;
  });
  // The first sighting is one row, straight to SERVING.
  assert.deepEqual(path, ["SERVING", "MAINTENANCE", "NOT_SERVING"], `history ${path}`);
  ok("DELETE ends it: the reported status returns, history holds the window, the rule fires");
}

// A service_unhealthy rule fires when the service's policy says UNHEALTHY, with the same verdict
// as fleetgate_service_health, and exports the matching PromQL.
async function serviceUnhealthy(gw) {
  await report(fgctl, gw, "payments", "p-1", "SERVING");
  const rule = await api(gw, "POST", "/api/v1/rules", { name: "PaymentsUnhealthy", kind: "health",
    health: { service: "payments", condition: "service_unhealthy" }, for: "0s" });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));
  await twoEvaluations(gw, "PaymentsUnhealthy");
  const firing = async () => (await api(gw, "GET", "/api/v1/alerts")).body.data.alerts
    .filter((a) => a.labels.alertname === "PaymentsUnhealthy");
  assert.deepEqual(await firing(), []);
  await report(fgctl, gw, "payments", "p-1", "NOT_SERVING");
  const alerts = await until("PaymentsUnhealthy firing", async () => {
    const now = await firing();
    return now.length === 1 && now[0].state === "firing" && now;
  });
  assert.deepEqual(alerts[0].labels, { alertname: "PaymentsUnhealthy", service: "payments" });
  const metrics = (await request(gw.http, { path: "/metrics" })).body.toString();
  assert.ok(metrics.includes('fleetgate_service_health{service="payments",status="UNHEALTHY"} 1'));
  const exported = (await request(gw.http, { path: "/api/v1/rules/export" })).body.toString();
  // The export is YAML with the expression as a double-quoted string.
  assert.ok(exported.includes(
    String.raw`max by (service) (fleetgate_service_health{service=\"payments\",status=\"UNHEALTHY\"}) == 1`),
    exported);
  ok("a service_unhealthy rule fires on the policy's UNHEALTHY and exports its PromQL");
}

async function main() {
  const gw = await startGateway(fleetgate, { FLEETGATE_EVENTS_RING_EVENTS: String(RING),
    FLEETGATE_ALERTING_EVALUATION_INTERVAL: "100ms" });
  try {
    const stream = await eventsInOrder(gw);
    await reconnectReplays(gw, stream);
    await maintenance(gw);
    await serviceUnhealthy(gw);
  } catch (error) {
    console.error(gw.log());
    throw error;
  } finally {
    await gw.stop();
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
