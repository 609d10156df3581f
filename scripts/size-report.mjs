// Prints the transfer size of every file in dist/ (raw, gzip, brotli) and the
// first load of the programme page: index.html, its JS, wasm and CSS, and the
// demo programme's JSON as the real server sends it. Fails (exit 1) when a limit
// in size-budget.json is exceeded.
//
//   node scripts/size-report.mjs [path-to-server-binary]
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dist = "dist";
const server = process.argv[2] ?? "target/debug/innovationsveckan-server";
const budget = JSON.parse(readFileSync("size-budget.json", "utf8"));

const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gzip = (b) => gzipSync(b, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(8);

function sizes(bytes) {
  return { raw: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) };
}

// The demo programme, from the real server on a free port with a fresh database.
async function programmeJson() {
  const data = mkdtempSync(join(tmpdir(), "iv-size-"));
  const child = spawn(server, [], {
    env: { ...process.env, IV_ADDR: "127.0.0.1:0", IV_DATA_DIR: data, IV_DIST_DIR: dist, IV_LOG: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const addr = await new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no address from ${server}: ${out}`)), 30000);
      const read = (chunk) => {
        out += chunk;
        const m = out.match(/serves on (http:\/\/[0-9.:]+)/);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
      child.on("exit", (code) => reject(new Error(`${server} exited (${code}): ${out}`)));
    });
    const response = await fetch(`${addr}/api/activities`);
    return Buffer.from(await response.arrayBuffer());
  } finally {
    child.kill();
    rmSync(data, { recursive: true, force: true });
  }
}

const rows = [];
for (const name of readdirSync(dist).sort()) {
  if (/\.(br|gz)$/.test(name) || statSync(join(dist, name)).isDirectory()) continue;
  rows.push({ name, ...sizes(readFileSync(join(dist, name))) });
}
const json = { name: "GET /api/activities (demo)", ...sizes(await programmeJson()) };

console.log(`${"file".padEnd(48)}${"raw KB".padStart(8)}${"gzip KB".padStart(9)}${"br KB".padStart(8)}`);
for (const r of [...rows, json]) {
  console.log(`${r.name.padEnd(48)}${kb(r.raw)} ${kb(r.gzip)}${kb(r.brotli)}`);
}

const firstLoad = [...rows.filter((r) => /^index\.html$|\.(js|wasm|css)$/.test(r.name)), json];
const total = (key) => firstLoad.reduce((sum, r) => sum + r[key], 0);
const wasm = rows.find((r) => r.name.endsWith(".wasm"));
console.log(`${"first load of the programme page".padEnd(48)}${kb(total("raw"))} ${kb(total("gzip"))}${kb(total("brotli"))}`);

const report = {
  files: rows, programme_json: json,
  first_load: { raw: total("raw"), gzip: total("gzip"), brotli: total("brotli") },
};
writeFileSync(join("target", "size-report.json"), JSON.stringify(report, null, 2));

const failures = [];
if (total("brotli") > budget.first_load_brotli_bytes) {
  failures.push(`first load ${total("brotli")} B brotli > budget ${budget.first_load_brotli_bytes} B`);
}
if (wasm && wasm.brotli > budget.wasm_brotli_bytes) {
  failures.push(`wasm ${wasm.brotli} B brotli > budget ${budget.wasm_brotli_bytes} B`);
}
if (failures.length) {
  console.error(`Size budget exceeded (size-budget.json):\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`==> within the size budget (first load ≤ ${budget.first_load_brotli_bytes} B, wasm ≤ ${budget.wasm_brotli_bytes} B, brotli)`);
