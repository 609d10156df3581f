// Prints the transfer size of every file in dist/ (raw, gzip, brotli) and the
// first load of each app: the programme (`/` as the real server renders it,
// the JS, wasm and CSS it names, and the demo programme's data as the server
// sends it) and the registration (`/anmal` and its files). Fails (exit 1) when a limit in
// size-budget.json is exceeded.
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
// What the programme app fetches of the programme when it starts.
const DATA_PATH = "/api/listing";

const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gzip = (b) => gzipSync(b, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(8);

function sizes(bytes) {
  return { raw: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) };
}

// From the real server on a free port with a fresh database: the demo
// programme's data as the app fetches it, and the pages as the server
// renders them (their first screen is HTML from the app's components).
async function fromServer() {
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
    const read = async (path) => Buffer.from(await (await fetch(`${addr}${path}`)).arrayBuffer());
    return { data: await read(DATA_PATH), programme: await read("/"), registration: await read("/anmal") };
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
const served = await fromServer();
const json = { name: `GET ${DATA_PATH} (demo)`, ...sizes(served.data) };
const pages = {
  "index.html": { name: "GET / (rendered by the server)", ...sizes(served.programme) },
  "anmal.html": { name: "GET /anmal (rendered by the server)", ...sizes(served.registration) },
};

console.log(`${"file".padEnd(48)}${"raw KB".padStart(8)}${"gzip KB".padStart(9)}${"br KB".padStart(8)}`);
for (const r of [...rows, json, ...Object.values(pages)]) {
  console.log(`${r.name.padEnd(48)}${kb(r.raw)} ${kb(r.gzip)}${kb(r.brotli)}`);
}

// The files a page names (Trunk writes them as absolute paths).
const filesOf = (page) => {
  const html = readFileSync(join(dist, page), "utf8");
  const names = new Set([...html.matchAll(/(?:href|src)="\/([^"?#/]+\.(?:js|wasm|css))"/g)].map((m) => m[1]));
  return [pages[page], ...rows.filter((r) => names.has(r.name))];
};
const sum = (list, key) => list.reduce((total, r) => total + r[key], 0);
const apps = [
  { name: "programme", page: "index.html", load: [...filesOf("index.html"), json] },
  { name: "registration", page: "anmal.html", load: filesOf("anmal.html") },
];
for (const app of apps) {
  app.wasm = app.load.find((r) => r.name.endsWith(".wasm"));
  app.total = { raw: sum(app.load, "raw"), gzip: sum(app.load, "gzip"), brotli: sum(app.load, "brotli") };
  console.log(`${`first load of the ${app.name} (${app.page})`.padEnd(48)}${kb(app.total.raw)} ${kb(app.total.gzip)}${kb(app.total.brotli)}`);
}

const report = {
  files: rows, programme_json: json,
  first_load: apps[0].total,
  registration_first_load: apps[1].total,
};
writeFileSync(join("target", "size-report.json"), JSON.stringify(report, null, 2));

const failures = [];
for (const app of apps) {
  const limits = budget[app.name];
  if (app.total.brotli > limits.first_load_brotli_bytes) {
    failures.push(`${app.name}: first load ${app.total.brotli} B brotli > budget ${limits.first_load_brotli_bytes} B`);
  }
  if (!app.wasm || app.wasm.brotli > limits.wasm_brotli_bytes) {
    failures.push(`${app.name}: wasm ${app.wasm?.brotli} B brotli > budget ${limits.wasm_brotli_bytes} B`);
  }
}
if (failures.length) {
  console.error(`Size budget exceeded (size-budget.json):\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`==> within the size budget (size-budget.json, brotli bytes: ${JSON.stringify(budget)})`);
