// The fleet page at scale (a benchmark, not a test): the real gateway seeded with 1,000 services of
// 10 instances each by fleetgate-bench (every counter report registers its instance), a few of them
// turned unhealthy with fgctl; then the page's data requests timed over HTTP, and each view's first
// render timed in Debian's headless Chromium (puppeteer-core) from navigation to the rows drawn.
// Usage: node page_bench.cjs <fleetgate> <fleetgate-bench> <fgctl> [chromium] [--runs N]
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const puppeteer = require("puppeteer-core");
const { startGateway, request, until } = require("../../tests/integration/otlp/gateway.cjs");
const { report } = require("../../tests/integration/ui/fleet.cjs");

const [fleetgate, benchBinary, fgctl, chromium = "/usr/bin/chromium"] = process.argv.slice(2);
const SERVICES = 1000;
const INSTANCES = 10;
const RUNS = 5;

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function seed(gw) {
  execFileSync(benchBinary, ["--target", `127.0.0.1:${gw.grpc}`, "--mode", "unary", "--duration", "3",
    "--batch", "1", "--series", String(SERVICES * INSTANCES), "--connections", "4",
    "--services", String(SERVICES), "--instances", String(INSTANCES)], { stdio: "ignore" });
  await until("10,000 instances", async () => {
    const summary = JSON.parse((await request(gw.http, { path: "/api/v1/fleet/summary" })).body.toString());
    return summary.instances >= SERVICES * INSTANCES;
  }, 60000);
  for (let k = 0; k < 20; k++) {
    for (const status of ["SERVING", k % 2 ? "NOT_SERVING" : "DEGRADED"]) {
      await report(fgctl, gw, `bench-svc-${k}`, "bench-inst-0", status, { detail: "bench" });
    }
  }
}

async function timeRequest(gw, target) {
  const times = [];
  let bytes = 0;
  for (let k = 0; k < RUNS; k++) {
    const start = process.hrtime.bigint();
    const response = await request(gw.http, { path: target });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (response.status !== 200) throw new Error(`${target}: ${response.status}`);
    bytes = response.body.length;
  }
  return { request: `GET ${target}`, median_ms: median(times).toFixed(1), bytes };
}

// Navigation start to the view's rows in the DOM, as the page measures it, median of RUNS loads.
async function timeRender(browser, base, hash, title, rows) {
  const times = [];
  for (let k = 0; k < RUNS; k++) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    await page.goto(base + hash);
    await page.waitForFunction((t, n) => document.title === t + " · fleetgate" &&
      document.querySelectorAll("#view tbody tr, .timeline .band").length >= n,
      { timeout: 60000, polling: "raf" }, title, rows);
    times.push(await page.evaluate(() => performance.now()));
    await page.close();
  }
  return { view: hash, median_ms: median(times).toFixed(0) };
}

async function main() {
  const gw = await startGateway(fleetgate);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fleetgate-chromium-"));
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, pipe: true,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           `--user-data-dir=${profile}`] });
  try {
    await seed(gw);
    const service = "/api/v1/services/bench-svc-1";
    const requests = [];
    for (const target of ["/api/v1/services", service, service + "/availability?window=24h",
      service + "/availability?window=7d", service + "/instances/bench-inst-0",
      service + "/history?instance=bench-inst-0&limit=1000", "/api/v1/alerts", "/api/v1/rules",
      "/api/v1/alerts/history?limit=100"]) {
      requests.push(await timeRequest(gw, target));
    }
    console.table(requests);
    const base = `http://127.0.0.1:${gw.http}/`;
    console.table([
      await timeRender(browser, base, "#/", "Fleet", SERVICES),
      await timeRender(browser, base, "#/services/bench-svc-1", "Service bench-svc-1", INSTANCES),
      await timeRender(browser, base, "#/services/bench-svc-1/instances/bench-inst-0", "Instance bench-inst-0", 2),
      await timeRender(browser, base, "#/alerts", "Alerts", 0),
    ]);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await gw.stop();
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
