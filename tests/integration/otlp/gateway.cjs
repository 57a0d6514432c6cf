// Starts the real fleetgate binary on 127.0.0.1:0 for the OTLP tests, reads its ports from its log,
// and offers small HTTP helpers. No fixed sleeps: waits poll with a deadline.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const http = require("node:http");

async function until(what, probe, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function startGateway(binary, env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleetgate-otlp-"));
  const logPath = path.join(dir, "fleetgate.log");
  const log = fs.openSync(logPath, "w");
  const child = spawn(binary, ["--grpc-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0",
                               "--database", path.join(dir, "db")],
                      { stdio: ["ignore", log, log], env: { ...process.env, ...env } });
  const ports = await until("fleetgate to start", () => {
    const match = /serving gRPC on port (\d+) and HTTP on port (\d+)/.exec(fs.readFileSync(logPath, "utf8"));
    if (child.exitCode !== null) throw new Error("fleetgate exited:\n" + fs.readFileSync(logPath, "utf8"));
    return match && { grpc: Number(match[1]), http: Number(match[2]) };
  });
  return {
    ...ports,
    log: () => fs.readFileSync(logPath, "utf8"),
    stop: async () => {
      child.kill("SIGTERM");
      await until("fleetgate to stop", () => child.exitCode !== null || child.signalCode !== null);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// One HTTP request; resolves { status, headers, body (Buffer) }. `body` may be a Buffer or string;
// `chunks` (an array) sends it with chunked transfer encoding, one write each.
function request(port, { method = "GET", path: target = "/", headers = {}, body, chunks }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: target, headers }, (res) => {
      const parts = [];
      res.on("data", (part) => parts.push(part));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on("error", reject);
    if (chunks) for (const chunk of chunks) req.write(chunk);
    else if (body !== undefined) req.write(body);
    req.end();
  });
}

module.exports = { startGateway, request, until };
