// Shared by the fleet page's Node tests: seeds the real fleetgate binary through the real `fgctl
// report` (gRPC) and talks to its REST API.
"use strict";
const { execFile } = require("node:child_process");
const { request } = require("../otlp/gateway.cjs");

// One health report over gRPC with fgctl; resolves once the gateway accepted it.
function report(fgctl, gw, service, instance, status, { detail, version, checks = [], ttl = 3600 } = {}) {
  const args = ["--grpc-server", `127.0.0.1:${gw.grpc}`, "report", "--service", service, "--instance", instance];
  if (version) args.push("--version", version);
  args.push("health", status, "--ttl", String(ttl));
  if (detail !== undefined) args.push("--detail", detail);
  for (const check of checks) args.push("--check", check);
  return new Promise((resolve, reject) => {
    execFile(fgctl, args, (error, stdout, stderr) => {
      if (error) reject(new Error(`fgctl ${args.join(" ")} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

// A JSON request to the REST API; resolves { status, body (parsed or null) }.
async function api(gw, method, path, body) {
  const response = await request(gw.http, {
    method, path, headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = response.body.toString();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

module.exports = { report, api };
