'use strict';
// MQTT.js peer for bench/Switchboard.Bench. One scenario per process:
//   node peer.js <throughput|latency|envelope|offline> --url U [--protocol 4|5] [--ca ca.pem] --topic T --qos Q --count N
//                [--warmup W] [--rate R] [--window 100]
// --url mqtt://… or mqtts://… (TLS: the CA from --ca, rejectUnauthorized: true); --protocol 4 = MQTT 3.1.1, 5 = MQTT 5.
// Publishing follows the MQTT.js documentation: `await client.publishAsync(topic, payload, { qos })`. QoS 0: one
// message at a time, each awaited. QoS 1: a window of at most 100 outstanding publishAsync promises (when one resolves,
// the next is issued).
// Protocol with the harness (stdout, one JSON object per line; stdin):
//   prints {"ready":true} once connected, subscribed and warmed up; waits for a line "go" on stdin;
//   runs; prints the result object; exits when stdin says "exit" or closes (so the harness can read /proc/<pid>/stat
//   between "ready" and the result).
const fs = require('fs');
const mqtt = require('mqtt');
const crypto = require('crypto');
const readline = require('readline');

const args = process.argv.slice(2);
const mode = args[0];
const opt = {};
for (let i = 1; i < args.length; i++) {
  if (args[i].startsWith('--')) { opt[args[i].slice(2)] = args[i + 1]; i++; }
}
const url = opt.url;
const topic = opt.topic || 'bench/node';
const qos = Number(opt.qos || 0);
const count = Number(opt.count || 100000);
const warmup = Number(opt.warmup || 0);
const rate = Number(opt.rate || 1000);
const window = Number(opt.window || 100);
const protocolVersion = Number(opt.protocol || 5);
const ca = opt.ca ? fs.readFileSync(opt.ca) : undefined;
const PAYLOAD = 64;

const now = () => process.hrtime.bigint(); // ns
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const rl = readline.createInterface({ input: process.stdin });
let goResolve;
const go = new Promise((r) => { goResolve = r; });
rl.on('line', (line) => {
  if (line.trim() === 'go') goResolve();
  if (line.trim() === 'exit') process.exit(0);
});
rl.on('close', () => process.exit(0));

function connect(id) {
  return new Promise((resolve, reject) => {
    const options = { clientId: id, protocolVersion, clean: true, reconnectPeriod: 0, keepalive: 60 };
    if (url.startsWith('mqtts:')) Object.assign(options, { ca, rejectUnauthorized: true });
    const c = mqtt.connect(url, options);
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

function subscribe(c, filter, q) {
  return new Promise((resolve, reject) => c.subscribe(filter, { qos: q }, (err) => (err ? reject(err) : resolve())));
}

function binaryPayload(seq) {
  const b = Buffer.alloc(PAYLOAD);
  b.writeBigInt64LE(BigInt(seq), 0);
  b.writeBigInt64LE(now(), 8);
  return b;
}

function envelopePayload(seq) {
  return JSON.stringify({
    id: crypto.randomUUID().replace(/-/g, ''),
    type: 'bench.event',
    ts: Date.now() / 1000,
    source: 'node-peer',
    data: { seq, t: Number(now()) },
  });
}

// Integrity + arrival times for a numbered stream [0, n).
function makeTally(n) {
  const seen = new Uint8Array(n);
  return {
    seen, n, unique: 0, dup: 0, ooo: 0, highest: -1, last: 0n,
    record(seq) {
      this.last = now();
      if (seq < 0 || seq >= n) return;
      if (seen[seq]) { this.dup++; return; }
      seen[seq] = 1; this.unique++;
      if (seq < this.highest) this.ooo++; else this.highest = seq;
    },
  };
}

// Publishes seq [from, to) with awaited publishAsync: QoS 0 one at a time; QoS 1/2 with at most `window`
// promises outstanding (each of `window` workers issues its next message when its previous one resolves).
async function publishAll(c, t, q, from, to, make) {
  if (q === 0) {
    for (let i = from; i < to; i++) await c.publishAsync(t, make(i), { qos: 0 });
    return;
  }
  let next = from;
  const worker = async () => {
    while (next < to) {
      const seq = next++;
      await c.publishAsync(t, make(seq), { qos: q });
    }
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(window, to - from)) }, worker));
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function throughput(envelope) {
  const runId = crypto.randomBytes(4).toString('hex');
  const pub = await connect(`node-pub-${runId}`);
  const sub = await connect(`node-sub-${runId}`);
  const make = envelope ? envelopePayload : binaryPayload;
  const parse = envelope ? (p) => JSON.parse(p.toString()).data.seq : (p) => Number(p.readBigInt64LE(0));
  // Warm-up on its own topic.
  if (warmup > 0) {
    const wt = `${topic}/warmup`;
    const wtally = makeTally(warmup);
    let wdone;
    const wp = new Promise((r) => { wdone = r; });
    const onWarm = (tp, p) => { if (tp === wt && p.length > 0) { wtally.record(parse(p)); if (wtally.unique === warmup) wdone(); } };
    sub.on('message', onWarm);
    await subscribe(sub, wt, qos);
    await publishAll(pub, wt, qos, 0, warmup, make);
    await Promise.race([wp, new Promise((r) => setTimeout(r, 10000))]);
    sub.removeListener('message', onWarm);
  }
  const tally = makeTally(count);
  let finish;
  const finished = new Promise((r) => { finish = r; });
  sub.on('message', (tp, p) => {
    if (tp !== topic || p.length === 0) return;
    tally.record(parse(p));
    if (tally.unique === count) finish();
  });
  await subscribe(sub, topic, qos);
  out({ ready: true });
  await go;
  const t0 = now();
  const pubDone = publishAll(pub, topic, qos, 0, count, make);
  pubDone.catch((err) => { out({ error: String(err) }); process.exit(1); });
  // Stop when all arrived, or 2 s without progress after the publisher finished, or 120 s.
  let lastUnique = -1; let idleSince = null; let published = false;
  pubDone.then(() => { published = true; });
  await Promise.race([finished, new Promise((resolve) => {
    const iv = setInterval(() => {
      if (published) {
        if (tally.unique !== lastUnique) { lastUnique = tally.unique; idleSince = now(); }
        else if (now() - idleSince > 2000000000n) { clearInterval(iv); resolve(); }
      }
      if (now() - t0 > 120000000000n) { clearInterval(iv); resolve(); }
    }, 50);
    finished.then(() => clearInterval(iv));
  })]);
  const seconds = Number(tally.last - t0) / 1e9;
  // Let the last acknowledgements arrive before closing (a forced close fails their callbacks).
  await Promise.race([pubDone, new Promise((r) => setTimeout(r, 5000))]);
  out({ delivered: tally.unique, missing: count - tally.unique, duplicates: tally.dup, outOfOrder: tally.ooo, seconds, msgPerSec: tally.unique / seconds });
  pub.end(true); sub.end(true);
}

async function latency() {
  const runId = crypto.randomBytes(4).toString('hex');
  const pub = await connect(`node-pub-${runId}`);
  const sub = await connect(`node-sub-${runId}`);
  const total = warmup + count;
  const lat = [];
  let received = 0; let finish;
  const finished = new Promise((r) => { finish = r; });
  sub.on('message', (tp, p) => {
    const seq = Number(p.readBigInt64LE(0));
    const sent = p.readBigInt64LE(8);
    if (seq >= warmup) lat.push(Number(now() - sent) / 1000);
    if (++received === total) finish();
  });
  await subscribe(sub, topic, qos);
  out({ ready: true });
  await go;
  const intervalNs = BigInt(Math.round(1e9 / rate));
  const start = now();
  let next = 0; let inflight = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Number((now() - start) / intervalNs) + 1;
      while (next < total && next < due && inflight < window) {
        inflight++;
        pub.publishAsync(topic, binaryPayload(next++), { qos }).then(() => { inflight--; }, (err) => { out({ error: String(err) }); process.exit(1); });
      }
      if (next < total) setTimeout(tick, 1); else resolve();
    };
    tick();
  });
  await Promise.race([finished, new Promise((r) => setTimeout(r, 5000))]);
  for (let waited = 0; inflight > 0 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  lat.sort((a, b) => a - b);
  out({ delivered: lat.length, missing: count - lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.length ? lat[lat.length - 1] : 0 });
  pub.end(true); sub.end(true);
}

async function offline() {
  // A client that never connected (nothing listens on port 1): publish goes to MQTT.js's offline queue.
  const c = mqtt.connect('mqtt://127.0.0.1:1', { clientId: 'node-offline', protocolVersion, reconnectPeriod: 60000, connectTimeout: 60000 });
  c.on('error', () => {});
  out({ ready: true });
  await go;
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const b = binaryPayload(i);
    const t0 = now();
    c.publish(topic, b, { qos }); // not publishAsync: offline, nothing would resolve; this measures the call
    times[i] = Number(now() - t0) / 1000;
  }
  const sorted = Array.from(times).sort((a, b) => a - b);
  out({ calls: count, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] });
  c.end(true);
}

const run = { throughput: () => throughput(false), envelope: () => throughput(true), latency, offline }[mode];
if (!run) { out({ error: `unknown mode ${mode}` }); process.exit(2); }
run().catch((e) => { out({ error: String(e && e.stack || e) }); process.exit(1); });
