// fleetgate's fleet page: plain JavaScript, no framework, no network access beyond this gateway.
// Every string from the API is inserted as text (textContent / text nodes), never as markup.
"use strict";

const API = "/api/v1";
const SEVERITY = { SERVING: 0, MAINTENANCE: 1, UNKNOWN: 2, DEGRADED: 3, STALE: 4, NOT_SERVING: 5 };
const HEALTH_SEVERITY = { HEALTHY: 0, DEGRADED: 1, UNHEALTHY: 2 };
const STATUS_COLOR = { SERVING: "--serving", DEGRADED: "--degraded", NOT_SERVING: "--not_serving",
  STALE: "--stale", UNKNOWN: "--unknown", MAINTENANCE: "--maintenance" };
const view = document.getElementById("view");
const live = document.getElementById("live");
let filterText = "";
let timelineSpan = "24h";
let refreshTimer = null;

// el("td", {class: "x"}, "text", child): strings become text nodes, never HTML.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function badge(word) { return el("span", { class: "badge s-" + word }, word || "-"); }
function enc(text) { return encodeURIComponent(text); }
function when(text) { return text ? new Date(text).toLocaleString() : "-"; }
function pct(share) { return typeof share === "number" ? (share * 100).toFixed(2) + "%" : "-"; }

async function getJson(path) {
  const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.error && body.error.message) || response.statusText);
  return body;
}

function show(title, ...content) {
  document.title = title + " · fleetgate";
  view.replaceChildren(el("h1", {}, title), ...content.filter((node) => node !== null));
}

function table(headers, rows) {
  return el("div", { class: "table-wrap" },
    el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows)));
}

// --- fleet ---------------------------------------------------------------------------------
async function renderFleet() {
  const { services } = await getJson(API + "/services");
  services.sort((a, b) =>
    (HEALTH_SEVERITY[b.health] || 0) - (HEALTH_SEVERITY[a.health] || 0) ||
    (SEVERITY[b.worst_status] || 0) - (SEVERITY[a.worst_status] || 0) ||
    a.service.localeCompare(b.service));
  const body = el("tbody");
  const fill = () => {
    const needle = filterText.toLowerCase();
    body.replaceChildren(...services.filter((s) => s.service.toLowerCase().includes(needle)).map((s) =>
      el("tr", { "data-service": s.service },
        el("td", {}, el("a", { href: "#/services/" + enc(s.service) }, s.service)),
        el("td", {}, badge(s.health)),
        el("td", {}, badge(s.worst_status)),
        el("td", {}, s.instances),
        el("td", { class: "counts hide-narrow" }, Object.entries(s.counts).filter(([, n]) => n > 0)
          .map(([status, n]) => el("span", {}, status + " " + n))))));
  };
  const filter = el("input", { type: "search", placeholder: "Filter services", "aria-label": "Filter services",
    value: filterText, oninput: (e) => { filterText = e.target.value; fill(); } });
  fill();
  show("Fleet", el("p", {}, filter), el("div", { class: "table-wrap" }, el("table", {},
    el("thead", {}, el("tr", {}, ["Service", "Health", "Worst", "Instances", "By status"]
      .map((h, i) => el("th", { scope: "col", class: i === 4 ? "hide-narrow" : null }, h)))), body)));
}

// --- service -------------------------------------------------------------------------------
async function renderService(service) {
  const [detail, day, week] = await Promise.all([
    getJson(API + "/services/" + enc(service)),
    getJson(API + "/services/" + enc(service) + "/availability?window=24h").catch(() => ({ instances: [] })),
    getJson(API + "/services/" + enc(service) + "/availability?window=7d").catch(() => ({ instances: [] }))]);
  const share = (report, name) => (report.instances.find((i) => i.instance === name) || {}).serving_share;
  detail.instances.sort((a, b) => (SEVERITY[b.status] || 0) - (SEVERITY[a.status] || 0) ||
    a.instance.localeCompare(b.instance));
  const rows = detail.instances.map((i) => el("tr", { "data-instance": i.instance },
    el("td", {}, el("a", { href: "#/services/" + enc(service) + "/instances/" + enc(i.instance) }, i.instance)),
    el("td", {}, badge(i.status), i.maintenance ? el("div", { class: "muted" },
      "until " + when(i.maintenance.until) + (i.maintenance.reason ? " — " + i.maintenance.reason : "")) : null),
    el("td", {}, when(i.last_change)),
    el("td", {}, i.flaps_24h === null ? "-" : i.flaps_24h),
    el("td", { class: "hide-narrow" }, i.version || "-"),
    el("td", { class: "hide-narrow" }, when(i.last_report)),
    el("td", {}, pct(share(day, i.instance))),
    el("td", { class: "hide-narrow" }, pct(share(week, i.instance))),
    el("td", { class: "hide-narrow detail" }, i.detail || "")));
  show("Service " + service,
    el("p", {}, "Health ", badge(detail.health), " ", el("span", { class: "muted" }, detail.health_reason || ""),
      " · worst ", badge(detail.worst_status)),
    table(["Instance", "Status", "Since", "Flaps 24h", "Version", "Last report", "Avail. 24h", "Avail. 7d", "Detail"], rows));
}

// --- instance ------------------------------------------------------------------------------
async function renderInstance(service, instance) {
  const spanMs = timelineSpan === "7d" ? 7 * 86400e3 : 86400e3;
  const now = Date.now();
  const from = new Date(now - spanMs).toISOString();
  const [detail, history] = await Promise.all([
    getJson(API + "/services/" + enc(service) + "/instances/" + enc(instance)),
    getJson(API + "/services/" + enc(service) + "/history?instance=" + enc(instance) + "&limit=1000&from=" + enc(from))]);
  const transitions = history.transitions.slice().reverse();  // oldest first
  const tip = el("div", { class: "tip", role: "status", "aria-live": "polite" }, "Hover or focus a band for details.");
  const bands = [];
  for (let k = 0; k < transitions.length; k++) {
    const t = transitions[k];
    const start = Math.max(Date.parse(t.time), now - spanMs);
    const end = k + 1 < transitions.length ? Date.parse(transitions[k + 1].time) : now;
    if (end <= start) continue;
    const text = t.to + " from " + when(t.time) + (t.detail ? " — " + t.detail : "");
    const band = el("div", { class: "band", tabindex: "0", role: "img", "aria-label": text, "data-status": t.to });
    // Through the CSSOM: the Content-Security-Policy forbids inline style attributes.
    band.style.flexGrow = String(end - start);
    band.style.background = "var(" + (STATUS_COLOR[t.to] || "--unknown") + ")";
    const describe = () => { tip.textContent = text; };
    band.addEventListener("mouseenter", describe);
    band.addEventListener("focus", describe);
    bands.push(band);
  }
  const spanButtons = ["24h", "7d"].map((span) => el("button", { type: "button", "aria-pressed": span === timelineSpan,
    onclick: () => { timelineSpan = span; route(); } }, span));
  const checks = detail.checks.map((c) => el("tr", {}, el("td", {}, c.name), el("td", {}, badge(c.status)), el("td", {}, c.detail)));
  show("Instance " + instance,
    el("p", {}, el("a", { href: "#/services/" + enc(service) }, "← " + service)),
    el("p", {}, badge(detail.status), " since " + when(detail.last_change) + " · version " + (detail.version || "-") +
      " · last report " + when(detail.last_report)),
    el("p", { class: "detail" }, detail.detail || ""),
    detail.maintenance ? el("p", { class: "maintenance" }, "In maintenance until " + when(detail.maintenance.until) +
      (detail.maintenance.reason ? ": " + detail.maintenance.reason : "")) : null,
    el("h2", {}, "Health timeline"), el("div", {}, spanButtons),
    el("div", { class: "timeline", "aria-label": "Status over the last " + timelineSpan }, bands), tip,
    el("h2", {}, "Checks"), checks.length ? table(["Check", "Status", "Detail"], checks) : el("p", { class: "muted" }, "No checks reported."));
}

// --- alerts --------------------------------------------------------------------------------
async function renderAlerts() {
  const [active, rules, history] = await Promise.all([getJson(API + "/alerts"), getJson(API + "/rules"),
    getJson(API + "/alerts/history?limit=100")]);
  const labels = (set) => Object.entries(set || {}).map(([k, v]) => k + "=" + v).join(", ");
  show("Alerts",
    el("h2", {}, "Active"),
    table(["Alert", "State", "Since", "Value", "Labels"], active.data.alerts.map((a) => el("tr", {},
      el("td", {}, a.labels.alertname), el("td", {}, badge(a.state)), el("td", {}, when(a.activeAt)),
      el("td", {}, a.value), el("td", {}, labels(a.labels))))),
    el("h2", {}, "Rules"),
    table(["Rule", "State", "Health", "Last error", "Query"], rules.rules.map((r) => el("tr", {},
      el("td", {}, r.name), el("td", {}, badge(r.state)), el("td", {}, badge(r.health)),
      el("td", {}, r.lastError || ""), el("td", { class: "hide-narrow" }, r.query)))),
    el("h2", {}, "History"),
    table(["Time", "Rule", "From", "To", "Labels"], history.transitions.map((t) => el("tr", {},
      el("td", {}, when(t.time)), el("td", {}, t.rule), el("td", {}, t.from), el("td", {}, badge(t.to)),
      el("td", {}, labels(t.labels))))));
}

// --- routing and live updates --------------------------------------------------------------
async function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  try {
    if (parts[0] === "services" && parts[1] && parts[2] === "instances" && parts[3]) await renderInstance(parts[1], parts[3]);
    else if (parts[0] === "services" && parts[1]) await renderService(parts[1]);
    else if (parts[0] === "alerts") await renderAlerts();
    else await renderFleet();
  } catch (error) {
    show("Error", el("p", { class: "error" }, String(error.message || error)));
  }
}

// Coalesces a burst of events into one refresh of the current view.
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => { refreshTimer = null; route(); }, 250);
}

function connect() {
  const source = new EventSource(API + "/events");
  source.onopen = () => { live.textContent = "live"; };
  source.onerror = () => { live.textContent = "reconnecting…"; };
  for (const type of ["transition", "alert", "reset"]) {
    source.addEventListener(type, (event) => {
      if (type === "transition") {
        const t = JSON.parse(event.data);
        live.textContent = "live · " + t.service + "/" + t.instance + " → " + t.to;
      }
      refreshSoon();
    });
  }
}

window.addEventListener("hashchange", () => { route().then(() => view.focus()); });
route();
connect();
