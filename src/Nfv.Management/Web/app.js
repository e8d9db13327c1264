// nfv's web view: the running topology as a graph (/api/topology), with packet and drop rates from the counters that
// /api/events streams once a second; a function's tables (/api/tables) and a link's impairment and capture on click.
// Plain script, no build step: the files are built into nfv.
"use strict";

const svg = document.getElementById("graph");
const panel = document.getElementById("panel");
const ns = "http://www.w3.org/2000/svg";
const nodes = new Map();   // "function:NAME" | "port:NAME" | "host:NAME" -> { kind, name, x, y, element }
const links = [];          // { a, b, ends: [text, text], element, label }
let previous = null;       // the last counters event, for rates

function element(name, attributes, parent) {
  const e = document.createElementNS(ns, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function nodeKey(end, topology) {
  const name = end.split(".")[0];
  return topology.ports.some(p => p.name === name) ? `port:${name}` : `function:${name}`;
}

// Columns: hosts, their ports, then functions by their distance (in links) from the external ports.
function layout(topology) {
  const depth = new Map();
  const queue = [];
  for (const p of topology.ports) { depth.set(`port:${p.name}`, 1); queue.push(`port:${p.name}`); }
  const edges = topology.links.map(([a, b]) => [nodeKey(a, topology), nodeKey(b, topology)]);
  while (queue.length) {
    const at = queue.shift();
    for (const [a, b] of edges) {
      const next = a === at ? b : b === at ? a : null;
      if (next && !depth.has(next)) { depth.set(next, depth.get(at) + 1); queue.push(next); }
    }
  }
  for (const f of topology.functions) if (!depth.has(`function:${f.name}`)) depth.set(`function:${f.name}`, 2);
  for (const h of topology.hosts) depth.set(`host:${h.name}`, 0);
  const columns = new Map();
  for (const [key, column] of depth) {
    if (!columns.has(column)) columns.set(column, []);
    columns.get(column).push(key);
  }
  return columns;
}

function draw(topology) {
  document.getElementById("title").textContent = `nfv: ${topology.name}`;
  const columns = layout(topology);
  const width = 170, height = 62, gapX = 70, gapY = 28;
  const rows = Math.max(...[...columns.values()].map(c => c.length));
  svg.setAttribute("viewBox", `0 0 ${columns.size * (width + gapX) + gapX} ${rows * (height + gapY) + gapY}`);
  const linkLayer = element("g", {}, svg), nodeLayer = element("g", {}, svg);
  [...columns.keys()].sort((a, b) => a - b).forEach((column, ci) => {
    columns.get(column).forEach((key, ri) => {
      const [kind, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
      const x = gapX / 2 + ci * (width + gapX), y = gapY + ri * (height + gapY);
      const g = element("g", { class: `node ${kind}`, "data-node": key, transform: `translate(${x},${y})` }, nodeLayer);
      element("rect", { width, height }, g);
      const title = element("text", { x: 8, y: 18, class: "name" }, g);
      const f = topology.functions.find(f => f.name === name);
      title.textContent = kind === "function" ? `${name} (${f.kind})` : kind === "port" ? `port ${name}` : `host ${name}`;
      const detail = element("text", { x: 8, y: 36, class: "detail" }, g);
      const rate = element("text", { x: 8, y: 53, class: "rate" }, g);
      if (kind === "host") detail.textContent = topology.hosts.find(h => h.name === name).address;
      if (kind === "port") detail.textContent = topology.ports.find(p => p.name === name).kind;
      nodes.set(key, { kind, name, x, y, width, height, element: g, rate });
      if (kind === "function") g.addEventListener("click", () => showFunction(name));
    });
  });
  const center = key => { const n = nodes.get(key); return [n.x + n.width / 2, n.y + n.height / 2]; };
  const edge = (a, b, ends) => {
    const [x1, y1] = center(a), [x2, y2] = center(b);
    const g = element("g", { class: "link", "data-link": ends.join(" ") }, linkLayer);
    element("line", { x1, y1, x2, y2 }, g);
    const label = element("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4 }, g);
    links.push({ a, b, ends, element: g, label });
    if (ends.length === 2) g.addEventListener("click", () => showLink(ends));
  };
  for (const h of topology.hosts) edge(`host:${h.name}`, `port:${h.port}`, [h.name]);
  for (const [a, b] of topology.links) edge(nodeKey(a, topology), nodeKey(b, topology), [a, b]);
}

function rate(now, before, seconds) { return before === undefined ? 0 : Math.max(0, (now - before) / seconds); }
function pps(n) { return n >= 1000 ? `${(n / 1000).toFixed(1)}k pps` : `${Math.round(n)} pps`; }

// One counters event: each node's rates and totals (data-* attributes, which tests and tools read), each link busy or not.
function update(event) {
  const seconds = previous ? Math.max(0.001, (event.time - previous.time) / 1000) : 1;
  const before = key => previous && previous[key];
  const busy = new Map();
  for (const p of event.ports) {
    const n = nodes.get(`port:${p.name}`);
    if (!n) continue;
    const was = before("ports")?.find(q => q.name === p.name);
    const rx = rate(p.received, was?.received, seconds), tx = rate(p.sent, was?.sent, seconds), drops = rate(p.dropped, was?.dropped, seconds);
    n.rate.textContent = `in ${pps(rx)}, out ${pps(tx)}${drops > 0 ? `, drops ${pps(drops)}` : ""}`;
    Object.assign(n.element.dataset, { received: p.received, sent: p.sent, dropped: p.dropped, state: p.state });
    n.element.classList.toggle("down", p.state !== "up");
    busy.set(`port:${p.name}`, rx + tx);
  }
  for (const f of event.functions) {
    const n = nodes.get(`function:${f.name}`);
    if (!n) continue;
    const was = before("functions")?.find(q => q.name === f.name);
    const processed = rate(f.processed, was?.processed, seconds), drops = rate(f.dropped, was?.dropped, seconds);
    n.rate.textContent = `${pps(processed)}${drops > 0 ? `, drops ${pps(drops)}` : ""}`;
    Object.assign(n.element.dataset, { processed: f.processed, dropped: f.dropped });
    busy.set(`function:${f.name}`, processed);
  }
  for (const link of links) {
    const moving = Math.min(busy.get(link.a) ?? busy.get(link.b) ?? 0, busy.get(link.b) ?? busy.get(link.a) ?? 0);
    link.element.classList.toggle("busy", moving > 0);
    link.label.textContent = moving > 0 ? pps(moving) : "";
  }
  previous = event;
}

function table(columns, rows) {
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const c of columns) head.appendChild(document.createElement("th")).textContent = c;
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const v of r) tr.insertCell().textContent = v;
  }
  return t;
}

async function json(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error((await response.json()).error ?? response.statusText);
  return response.json();
}

async function showFunction(name) {
  panel.replaceChildren();
  panel.appendChild(document.createElement("h2")).textContent = name;
  const fn = (await json("/api/functions")).find(f => f.name === name);
  panel.appendChild(table(["counter", "value"], Object.entries({ processed_packets: fn.processed_packets, ...fn.events, ...fn.drops })
    .filter(([, v]) => v > 0)));
  for (const t of (await json("/api/tables")).filter(t => t.function === name)) {
    const rows = await json(`/api/tables/${encodeURIComponent(t.table)}?limit=200`);
    panel.appendChild(document.createElement("h3")).textContent = `${t.table} (${t.entries} of ${t.capacity})`;
    panel.appendChild(table(rows.columns.slice(1), rows.rows.filter(r => r[0] === name).map(r => r.slice(1))));
  }
}

async function showLink(ends) {
  panel.replaceChildren();
  panel.appendChild(document.createElement("h2")).textContent = ends.join(" <-> ");
  const link = (await json("/api/links")).find(l => (l.a === ends[0] && l.b === ends[1]) || (l.a === ends[1] && l.b === ends[0]));
  panel.appendChild(document.createElement("p")).textContent = link?.impairment ? `impairment: ${link.impairment}` : "a perfect wire (no impairment)";
  if (link?.counts) {
    panel.appendChild(document.createElement("p")).textContent = `so far: ${link.counts}`;
  }
  const capture = panel.appendChild(document.createElement("a"));
  capture.href = `/api/capture/${encodeURIComponent(ends[0])}?count=1000`;
  capture.download = `${ends[0].replace(".", "-")}.pcap`;
  capture.textContent = "download a capture of the next 1000 frames (pcap)";
}

async function start() {
  draw(await json("/api/topology"));
  const events = new EventSource("/api/events");
  const status = document.getElementById("status");
  events.onmessage = message => { update(JSON.parse(message.data)); status.textContent = `live, ${new Date().toLocaleTimeString()}`; };
  events.onerror = () => { status.textContent = "disconnected: is nfv still running?"; };
}

start().catch(error => { document.getElementById("status").textContent = `error: ${error.message}`; });
