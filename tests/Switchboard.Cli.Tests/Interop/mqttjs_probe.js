// Drives a broker with MQTT.js (bench/node-peer's copy, 5.x), a client nobody here wrote.
//
//   NODE_PATH=<repo>/bench/node-peer/node_modules node mqttjs_probe.js 311|5 HOST PORT
//
// Every client connects with an empty client id and a clean session, so the broker must assign one (under MQTT 5 the
// CONNACK must carry it). Checks: a subscription at QoS 2 is granted QoS 2; a retained message published before the
// subscription arrives flagged retained; QoS 0, 1 and 2 messages arrive at their QoS; the will of a client whose
// process is killed (SIGKILL, no DISCONNECT) arrives. Shared subscriptions are checked to be refused as documented for
// the embedded broker (MQTTnet has none): SUBACK 0x9E under MQTT 5 (and Shared Subscription Available 0 in the
// CONNACK), 0x80 under 3.1.1. Prints one line per check; exits 0 when all passed, 1 otherwise.
//
//   node mqttjs_probe.js will-holder 311|5 HOST PORT TOPIC   is the child that holds a will until it is killed.
'use strict';
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const readline = require('node:readline');
const mqtt = require('mqtt');
const mqttVersion = require('mqtt/package.json').version;

const DEADLINE_MS = 20000;
const SHARED_NOT_SUPPORTED = 0x9e; // MQTT 5 SUBACK reason code "Shared Subscriptions not supported"
const SUBACK_FAILURE = 0x80; // MQTT 3.1.1 SUBACK return code "Failure"

function fail(message) {
  console.log(`FAIL ${message}`);
  process.exit(1);
}

/** Rejects after DEADLINE_MS unless `promise` settles first; the timer never keeps the process alive. */
function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), DEADLINE_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function connect(version, host, port, { quiet = false, ...extra } = {}) {
  return new Promise((resolve) => {
    const client = mqtt.connect({
      host, port, protocol: 'mqtt', protocolVersion: version === '5' ? 5 : 4,
      clientId: '', clean: true, reconnectPeriod: 0, connectTimeout: DEADLINE_MS, ...extra,
    });
    client.once('connect', (connack) => {
      if (version === '5') {
        const properties = connack.properties || {};
        if (!properties.assignedClientIdentifier) fail('MQTT.js MQTT 5: the CONNACK carries no assigned client identifier for an empty client id');
        if (properties.sharedSubscriptionAvailable !== false) {
          fail(`MQTT.js MQTT 5: the CONNACK's Shared Subscription Available is ${properties.sharedSubscriptionAvailable}, not the documented 0`);
        }
        if (!quiet) console.log(`ok assigned client identifier ${properties.assignedClientIdentifier}`);
      }
      resolve(client);
    });
    client.on('error', (err) => fail(`MQTT.js: ${err.stack}`));
    client.on('close', () => { if (!client.connected && !client.disconnecting) fail('MQTT.js: the connection closed unexpectedly'); });
  });
}

async function checkSharedRefused(version, sub, filter) {
  const expected = version === '5' ? SHARED_NOT_SUPPORTED : SUBACK_FAILURE;
  let code;
  try {
    const granted = await within(sub.subscribeAsync(filter, { qos: 2 }), 'SUBACK for the $share/ subscription');
    code = `granted ${JSON.stringify(granted)}`;
  } catch (err) {
    // MQTT.js 5 rejects a refused subscription with an ErrorWithSubackPacket carrying the SUBACK.
    const codes = err.packet && err.packet.granted;
    if (!Array.isArray(codes) || codes.length !== 1) throw err;
    [code] = codes;
  }
  if (code !== expected) {
    fail(`a $share/ subscription was answered ${code}, not the documented refusal 0x${expected.toString(16)} `
      + '(if the broker supports shared subscriptions now, update the docs and this probe)');
  }
  console.log(`ok $share/ subscription refused with 0x${expected.toString(16)} as documented`);
}

async function holdWill(version, host, port, topic) {
  await connect(version, host, port, { quiet: true, will: { topic, payload: Buffer.from('gone'), qos: 1 } });
  console.log('connected');
  setInterval(() => {}, 1 << 30);
}

/** Starts the will holder and resolves once it says it is connected. */
function startWillHolder(version, host, port, topic) {
  const holder = spawn(process.execPath, [__filename, 'will-holder', version, host, String(port), topic], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: holder.stdout });
  const connected = new Promise((resolve, reject) => {
    lines.once('line', (line) => (line.trim() === 'connected' ? resolve() : reject(new Error(`the will holder did not connect (said ${line})`))));
    holder.once('exit', (code, signal) => reject(new Error(`the will holder exited (${code ?? signal}) before connecting`)));
  });
  return within(connected, 'the will holder connecting').then(() => holder, (err) => { holder.kill('SIGKILL'); throw err; });
}

async function run(version, host, port) {
  console.log(`info MQTT.js ${mqttVersion}`);
  const base = `interop/mqttjs/${version}/${crypto.randomUUID().replaceAll('-', '')}`;
  const received = new Map();
  const expected = ['retained', 'q0', 'q1', 'q2', 'will'].map((s) => `${base}/${s}`);
  let done;
  const allReceived = new Promise((resolve) => { done = resolve; });

  const pub = await within(connect(version, host, port), 'the publisher connecting');
  await within(pub.publishAsync(`${base}/retained`, 'kept', { qos: 1, retain: true }), 'PUBACK of the retained message');
  const sub = await within(connect(version, host, port), 'the subscriber connecting');
  sub.on('message', (topic, payload, packet) => {
    received.set(topic, { payload: payload.toString(), qos: packet.qos, retain: packet.retain });
    if (expected.every((t) => received.has(t))) done();
  });
  const granted = await within(sub.subscribeAsync(`${base}/#`, { qos: 2 }), 'SUBACK');
  const grantedQos = granted.map((g) => g.qos);
  if (JSON.stringify(grantedQos) !== '[2]') fail(`the subscription at QoS 2 was answered ${JSON.stringify(grantedQos)}, not [2]`);
  console.log('ok subscription granted QoS 2');
  await checkSharedRefused(version, sub, `$share/probe/${base}/shared`);
  for (const qos of [0, 1, 2]) {
    await within(pub.publishAsync(`${base}/q${qos}`, `qos ${qos}`, { qos }), `the QoS ${qos} publish`);
  }

  const holder = await startWillHolder(version, host, port, `${base}/will`);
  holder.kill('SIGKILL');

  await within(allReceived, 'all messages').catch(() => {});
  const missing = expected.filter((t) => !received.has(t));
  if (missing.length) fail(`not received: ${missing.join(', ')} (received ${[...received.keys()].join(', ')})`);
  const retained = received.get(`${base}/retained`);
  if (retained.payload !== 'kept' || !retained.retain) fail(`the retained message arrived as ${JSON.stringify(retained)}`);
  console.log('ok retained message delivered with the retain flag');
  for (const qos of [0, 1, 2]) {
    const m = received.get(`${base}/q${qos}`);
    if (m.payload !== `qos ${qos}` || m.qos !== qos) fail(`QoS ${qos} message arrived as ${JSON.stringify(m)}`);
  }
  console.log('ok QoS 0, 1 and 2 delivered at their QoS');
  if (received.get(`${base}/will`).payload !== 'gone') fail('the will arrived changed');
  console.log('ok the will of a killed client delivered');
  // The subscriber leaves first: clearing the retained message would otherwise race its DISCONNECT.
  await within(sub.endAsync(), 'the subscriber disconnecting');
  await within(pub.publishAsync(`${base}/retained`, '', { qos: 1, retain: true }), 'clearing the retained message');
  await within(pub.endAsync(), 'the publisher disconnecting');
  console.log('PASS');
  process.exit(0);
}

const args = process.argv.slice(2);
const rest = args[0] === 'will-holder' ? args.slice(1) : args;
if (rest.length < 3 || !['311', '5'].includes(rest[0])) fail('usage: mqttjs_probe.js [will-holder] 311|5 HOST PORT [TOPIC]');
if (args[0] === 'will-holder') {
  holdWill(args[1], args[2], Number(args[3]), args[4]);
} else {
  run(args[0], args[1], Number(args[2])).catch((err) => fail(err.stack || String(err)));
}
