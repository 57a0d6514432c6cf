// The fleet page in real headless Chromium (Debian's, driven by puppeteer-core pinned in
// package.json) against the real fleetgate binary with a fleet seeded over gRPC by `fgctl report`:
// every view renders the fleet's data, a transition reported over gRPC reaches an open page without
// a reload (SSE), a maintenance window set over REST shows, and a health detail that is markup
// renders as text and runs nothing. Screenshots go to the directory given as the third argument.
// Usage: node fleet_page_test.cjs <fleetgate> <fgctl> <screenshot dir> [chromium]
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const puppeteer = require("puppeteer-core");
const { startGateway } = require("../otlp/gateway.cjs");
const { report, api } = require("./fleet.cjs");

const [fleetgate, fgctl, shots, chromium = "/usr/bin/chromium"] = process.argv.slice(2);
const XSS = "<img src=x onerror=window.__pwned=1>";
const CHECK = "<b>index</b>";  // a check name cannot hold "="
const WAIT = { timeout: 15000 };

function ok(what) { console.log("ok:", what); }

async function seed(gw) {
  await report(fgctl, gw, "billing", "b-1", "SERVING", { version: "1.4.2" });
  await report(fgctl, gw, "billing", "b-2", "SERVING", { version: "1.4.2" });
  await report(fgctl, gw, "billing", "b-2", "DEGRADED", { version: "1.4.2", detail: "db slow",
    checks: ["db=DEGRADED:p99 2s", "disk=SERVING"] });
  await report(fgctl, gw, "checkout", "c-1", "SERVING", { version: "2.0.0" });
  await report(fgctl, gw, "search", "s-1", "NOT_SERVING", { version: "0.9.1", detail: XSS,
    checks: [`${CHECK}=NOT_SERVING:${XSS}`] });
  const rule = await api(gw, "POST", "/api/v1/rules", { name: "SearchDown", kind: "health",
    health: { service: "search", condition: "instance_not_serving" }, for: "0s",
    labels: { severity: "critical" } });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));
}

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fleetgate-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true, pipe: true,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           `--user-data-dir=${profile}`],
  });
  return { browser, close: async () => { await browser.close(); fs.rmSync(profile, { recursive: true, force: true }); } };
}

// The text of the view, whitespace collapsed.
function viewText(page) {
  return page.$eval("#view", (node) => node.innerText.replace(/\s+/g, " "));
}

// Follows a deep link on the open page; waits for that view's title, then for `selector` in it.
async function open(page, hash, title, selector) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((t) => document.title === t + " · fleetgate", WAIT, title);
  await page.waitForSelector(selector, WAIT);
}

async function cellText(page, selector) {
  return page.$eval(selector, (node) => node.innerText.trim());
}

async function fleetView(page, base) {
  await page.goto(base + "#/");
  await page.waitForSelector('tr[data-service="search"]', WAIT);
  const rows = await page.$$eval("#view tbody tr", (trs) => trs.map((tr) => tr.dataset.service));
  assert.deepEqual(rows, ["search", "billing", "checkout"], "worst first");
  const cells = (service) => page.$$eval(`tr[data-service="${service}"] td`,
    (tds) => tds.map((td) => [...td.children].length > 1 ? [...td.children].map((c) => c.innerText).sort() : td.innerText.trim()));
  // Service, health, worst, instances, counts by status.
  assert.deepEqual(await cells("billing"), ["billing", "DEGRADED", "DEGRADED", "2", ["DEGRADED 1", "SERVING 1"]]);
  assert.deepEqual(await cells("search"), ["search", "UNHEALTHY", "NOT_SERVING", "1", "NOT_SERVING 1"]);
  assert.deepEqual(await cells("checkout"), ["checkout", "HEALTHY", "SERVING", "1", "SERVING 1"]);
  await page.type('input[type="search"]', "chec");
  await page.waitForFunction(() => document.querySelectorAll("#view tbody tr").length === 1, WAIT);
  await page.$eval('input[type="search"]', (input) => { input.value = ""; input.dispatchEvent(new Event("input")); });
  await page.screenshot({ path: path.join(shots, "ui-fleet.png") });
  ok("fleet: every service with counts and worst status, worst first, the filter box narrows");
}

async function serviceView(page) {
  await open(page, "#/services/billing", "Service billing", 'tr[data-instance="b-2"]');
  const b2 = await cellText(page, 'tr[data-instance="b-2"]');
  assert.match(b2, /DEGRADED/);
  assert.match(b2, /1\.4\.2/);
  assert.match(b2, /db slow/);
  assert.match(await cellText(page, 'tr[data-instance="b-1"]'), /SERVING/);
  assert.match(await viewText(page), /Service billing/);
  await page.screenshot({ path: path.join(shots, "ui-service.png") });
  ok("service: its instances with status, version and detail");
}

async function instanceView(page) {
  await open(page, "#/services/billing/instances/b-2", "Instance b-2", ".timeline .band");
  const bands = await page.$$eval(".timeline .band", (nodes) => nodes.map((n) => n.dataset.status));
  // The history's transitions, oldest first (a first sighting may pass through UNKNOWN).
  assert.deepEqual(bands.filter((s) => s !== "UNKNOWN"), ["SERVING", "DEGRADED"], `bands ${bands}`);
  await page.focus('.timeline .band[data-status="DEGRADED"]');
  await page.waitForFunction(() => document.querySelector(".tip").textContent.includes("db slow"), WAIT);
  const text = await viewText(page);
  assert.match(text, /db DEGRADED p99 2s/);
  assert.match(text, /disk SERVING/);
  await page.screenshot({ path: path.join(shots, "ui-instance.png") });
  ok("instance: timeline bands from history, transition details on focus, its checks");
}

async function alertsView(page) {
  await open(page, "#/alerts", "Alerts", "#view h2");
  await page.waitForFunction(() => /SearchDown\s+firing/.test(document.querySelector("#view").innerText), WAIT);
  assert.match(await viewText(page), /instance=s-1/);
  await page.screenshot({ path: path.join(shots, "ui-alerts.png") });
  ok("alerts: the firing alert, its rule and history");
}

// A transition reported over gRPC reaches the open page over SSE; the marker proves no reload.
async function liveTransition(page, gw) {
  await open(page, "#/services/checkout", "Service checkout", 'tr[data-instance="c-1"]');
  await page.waitForFunction(() => document.getElementById("live").textContent.startsWith("live"), WAIT);
  await page.evaluate(() => { window.__noReload = true; });
  await report(fgctl, gw, "checkout", "c-1", "NOT_SERVING", { detail: "pool exhausted" });
  await page.waitForFunction(() => {
    const row = document.querySelector('tr[data-instance="c-1"]');
    return row && row.innerText.includes("NOT_SERVING") && row.innerText.includes("pool exhausted");
  }, WAIT);
  assert.equal(await page.evaluate(() => window.__noReload), true, "the page was not reloaded");
  assert.match(await cellText(page, "#live"), /checkout\/c-1 → NOT_SERVING/);
  ok("a transition reported over gRPC appears on the open page without a reload");
}

async function maintenance(page, gw) {
  await open(page, "#/services/billing", "Service billing", 'tr[data-instance="b-1"]');
  const until = new Date(Date.now() + 3600e3).toISOString();
  const put = await api(gw, "PUT", "/api/v1/services/billing/instances/b-1/maintenance",
    { until, reason: "kernel upgrade" });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await page.waitForFunction(() => {
    const row = document.querySelector('tr[data-instance="b-1"]');
    return row && row.innerText.includes("MAINTENANCE") && row.innerText.includes("kernel upgrade");
  }, WAIT);
  await open(page, "#/services/billing/instances/b-1", "Instance b-1", ".maintenance");
  assert.match(await cellText(page, ".maintenance"), /In maintenance until .*: kernel upgrade/);
  await page.screenshot({ path: path.join(shots, "ui-maintenance.png") });
  ok("a maintenance window set over REST shows live on the service and the instance");
}

// The detail and the check name are markup; every view shows them as text and runs nothing.
async function markupIsText(page) {
  await open(page, "#/services/search", "Service search", 'tr[data-instance="s-1"]');
  assert.match(await cellText(page, 'tr[data-instance="s-1"]'), /<img src=x onerror=window\.__pwned=1>/);
  await open(page, "#/services/search/instances/s-1", "Instance s-1", "#view p.detail");
  assert.equal(await cellText(page, "#view p.detail"), XSS);
  const checkRow = await cellText(page, "#view tbody tr");
  assert.ok(checkRow.startsWith(CHECK) && checkRow.endsWith(XSS), `check name and detail are text: ${checkRow}`);
  assert.equal(await page.$$eval("#view img, #view b", (nodes) => nodes.length), 0, "no element made of a report");
  assert.equal(await page.evaluate(() => typeof window.__pwned), "undefined");
  ok("a health detail and a check name of <img onerror> render as text and run nothing");
}

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  const gw = await startGateway(fleetgate, { FLEETGATE_ALERTING_EVALUATION_INTERVAL: "200ms" });
  const { browser, close } = await launch();
  const errors = [];
  try {
    await seed(gw);
    const page = await browser.newPage();
    page.on("pageerror", (error) => errors.push(String(error)));
    // The browser's own /favicon.ico probe answers 404 (the page ships no icon); anything else counts.
    page.on("console", (msg) => { if (msg.type() === "error" && !/favicon\.ico$/.test(msg.location().url || "")) errors.push(`${msg.text()} ${msg.location().url || ""}`); });
    await page.setViewport({ width: 1280, height: 720 });
    const base = `http://127.0.0.1:${gw.http}/`;
    await fleetView(page, base);
    await serviceView(page);
    await instanceView(page);
    await alertsView(page);
    await liveTransition(page, gw);
    await maintenance(page, gw);
    await markupIsText(page);
    assert.deepEqual(errors, [], "no script errors and no CSP violations");
    ok("no script errors");
  } catch (error) {
    console.error(gw.log());
    throw error;
  } finally {
    await close();
    await gw.stop();
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
