"""Drives a broker with a Python MQTT client nobody here wrote (Debian's python3-paho-mqtt or python3-asyncio-mqtt).

    python3 python_probe.py paho|asyncio 311|5 HOST PORT

Written for the versions Debian 12 ships: paho-mqtt 1.6.1 (the 1.x callback API; 2.x would need
CallbackAPIVersion) and asyncio-mqtt 0.16.1 (``asyncio_mqtt.Client``, ``async with client.messages()``). Run it with
Debian's /usr/bin/python3, which has them.

Every client connects with an empty client id (the libraries' default), so the broker must assign one. Checks, in
order: a subscription at QoS 2 is granted QoS 2; a retained message published before the subscription arrives
flagged retained; QoS 0, 1 and 2 messages arrive at their QoS; the will of a client whose process is killed (SIGKILL,
no DISCONNECT) arrives. Under MQTT 5 paho's CONNACK must carry the assigned client identifier (asyncio-mqtt 0.16.1
does not surface CONNACK properties; it is paho underneath). Shared subscriptions are checked to be refused as
documented for the embedded broker (MQTTnet has none): SUBACK 0x9E under MQTT 5, 0x80 under 3.1.1. Prints one line
per check and exits 0 when all passed, 1 otherwise.

    python3 python_probe.py will-holder paho|asyncio 311|5 HOST PORT TOPIC

is the child that connects with a will, prints "connected" and waits to be killed.
"""
import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import paho.mqtt
import paho.mqtt.client as mqtt

DEADLINE = 20.0
SHARED_NOT_SUPPORTED = 0x9E  # MQTT 5 SUBACK reason code "Shared Subscriptions not supported"
SUBACK_FAILURE = 0x80  # MQTT 3.1.1 SUBACK return code "Failure"


def fail(message):
    print(f"FAIL {message}", flush=True)
    sys.exit(1)


def code_of(value):
    """A paho 1.6 reason code (MQTT 5: a ReasonCodes object) or return code (3.1.1: an int) as an int."""
    return value.value if hasattr(value, "value") else int(value)


def check_granted(granted, what):
    codes = [code_of(g) for g in granted]
    if codes != [2]:
        fail(f"{what}: the subscription at QoS 2 was answered {codes}, not [2]")
    print(f"ok {what}: subscription granted QoS 2", flush=True)


def check_shared_refused(version, granted, what):
    """The embedded broker (MQTTnet) has no shared subscriptions; README and `switchboard broker --help` say so."""
    codes = [code_of(g) for g in granted]
    expected = SHARED_NOT_SUPPORTED if version == "5" else SUBACK_FAILURE
    if codes != [expected]:
        fail(f"{what}: a $share/ subscription was answered {codes}, not the documented refusal [{expected:#x}]"
             " (if the broker supports shared subscriptions now, update the docs and this probe)")
    print(f"ok {what}: $share/ subscription refused with {expected:#x} as documented", flush=True)


def check_versions(lib):
    if not paho.mqtt.__version__.startswith("1."):
        fail(f"written for paho-mqtt 1.x (Debian 12 ships 1.6.1); found {paho.mqtt.__version__}")
    line = f"info paho-mqtt {paho.mqtt.__version__}"
    if lib == "asyncio":
        import asyncio_mqtt
        line += f", asyncio-mqtt {asyncio_mqtt.__version__}"
    print(line, flush=True)


def start_will_holder(lib, version, host, port, topic):
    child = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "will-holder", lib, version, host, str(port), topic],
        stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().strip()
    if line != "connected":
        child.kill()
        fail(f"the will holder did not connect (said {line!r})")
    return child


def kill(child):
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=DEADLINE)


# ---------------------------------------------------------------------------------------------------------- paho

def paho_client(version, on_connect=None):
    if version == "5":
        client = mqtt.Client(client_id="", protocol=mqtt.MQTTv5)
    else:
        client = mqtt.Client(client_id="", clean_session=True, protocol=mqtt.MQTTv311)
    connected = threading.Event()
    state = {}

    def connected_cb(c, userdata, flags, rc, properties=None):
        state["rc"] = rc
        state["properties"] = properties
        connected.set()

    client.on_connect = connected_cb
    return client, connected, state


def paho_connect(version, host, port):
    client, connected, state = paho_client(version)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    if not connected.wait(DEADLINE):
        fail("paho: no CONNACK")
    rc = state["rc"]
    if (rc.value if hasattr(rc, "value") else rc) != 0:
        fail(f"paho: connection refused: {rc}")
    if version == "5":
        props = state["properties"]
        assigned = getattr(props, "AssignedClientIdentifier", None) if props is not None else None
        if not assigned:
            fail("paho MQTT 5: the CONNACK carries no assigned client identifier for an empty client id")
        print(f"ok assigned client identifier {assigned}", flush=True)
        shared = getattr(props, "SharedSubscriptionAvailable", None)
        if shared != 0:
            fail(f"paho MQTT 5: the CONNACK's Shared Subscription Available is {shared}, not the documented 0")
    return client


def paho_published(info, what):
    info.wait_for_publish(DEADLINE)
    if not info.is_published():
        fail(f"paho: {what} was not acknowledged")


def paho_subscribe(client, topic, what):
    """Subscribes at QoS 2 and returns the SUBACK's codes (paho 1.6 calls on_subscribe with mid, codes[, props])."""
    subacks = {}
    got = threading.Condition()

    def on_subscribe(c, userdata, mid, granted, properties=None):
        with got:
            subacks[mid] = granted
            got.notify_all()

    client.on_subscribe = on_subscribe
    result, mid = client.subscribe(topic, qos=2)
    if result != mqtt.MQTT_ERR_SUCCESS:
        fail(f"paho: could not send the SUBSCRIBE for {what}: {mqtt.error_string(result)}")
    with got:
        if not got.wait_for(lambda: mid in subacks, DEADLINE):
            fail(f"paho: no SUBACK for {what}")
        return subacks[mid]


def run_paho(version, host, port):
    base = f"interop/paho/{version}/{uuid.uuid4().hex}"
    received = []
    got = threading.Condition()

    pub = paho_connect(version, host, port)
    paho_published(pub.publish(f"{base}/retained", b"kept", qos=1, retain=True), "the retained publish")

    sub = paho_connect(version, host, port)

    def on_message(c, userdata, message):
        with got:
            received.append((message.topic, message.payload, message.qos, message.retain))
            got.notify_all()

    sub.on_message = on_message
    check_granted(paho_subscribe(sub, f"{base}/#", "paho"), "paho")
    check_shared_refused(version, paho_subscribe(sub, f"$share/probe/{base}/shared", "paho $share/"), "paho")

    for qos in (0, 1, 2):
        info = pub.publish(f"{base}/q{qos}", f"qos {qos}".encode(), qos=qos)
        if qos:
            paho_published(info, f"the QoS {qos} publish")

    holder = start_will_holder("paho", version, host, port, f"{base}/will")
    kill(holder)
    check(received, got, base)
    # The subscriber leaves first: clearing the retained message would otherwise race its DISCONNECT.
    sub.disconnect()
    sub.loop_stop()
    paho_published(pub.publish(f"{base}/retained", b"", qos=1, retain=True), "clearing the retained message")
    pub.disconnect()
    pub.loop_stop()


def hold_will_paho(version, host, port, topic):
    client, connected, state = paho_client(version)
    client.will_set(topic, b"gone", qos=1)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    if not connected.wait(DEADLINE):
        fail("paho will holder: no CONNACK")
    print("connected", flush=True)
    time.sleep(3600)


# ------------------------------------------------------------------------------------------------------- asyncio

def asyncio_client(version, host, port, **kwargs):
    import asyncio_mqtt
    protocol = asyncio_mqtt.ProtocolVersion.V5 if version == "5" else asyncio_mqtt.ProtocolVersion.V311
    return asyncio_mqtt.Client(host, port, protocol=protocol, **kwargs)


async def run_asyncio_async(version, host, port):
    base = f"interop/asyncio/{version}/{uuid.uuid4().hex}"
    received = []
    async with asyncio_client(version, host, port) as pub:
        await pub.publish(f"{base}/retained", b"kept", qos=1, retain=True)
        async with asyncio_client(version, host, port) as sub:
            async with sub.messages() as messages:
                # asyncio-mqtt 0.16.1 returns the SUBACK's codes as paho reports them.
                check_granted(await sub.subscribe(f"{base}/#", qos=2), "asyncio-mqtt")
                check_shared_refused(version, await sub.subscribe(f"$share/probe/{base}/shared", qos=2), "asyncio-mqtt")
                for qos in (0, 1, 2):
                    await pub.publish(f"{base}/q{qos}", f"qos {qos}".encode(), qos=qos)
                holder = await asyncio.to_thread(start_will_holder, "asyncio", version, host, port, f"{base}/will")
                await asyncio.to_thread(kill, holder)

                async def collect():
                    async for message in messages:
                        received.append((str(message.topic), message.payload, message.qos, message.retain))
                        if len(received) == 5:
                            return

                try:
                    await asyncio.wait_for(collect(), DEADLINE)
                except asyncio.TimeoutError:
                    pass
        check(received, None, base)
        await pub.publish(f"{base}/retained", b"", qos=1, retain=True)


async def hold_will_asyncio_async(version, host, port, topic):
    import asyncio_mqtt
    async with asyncio_client(version, host, port, will=asyncio_mqtt.Will(topic, b"gone", qos=1)):
        print("connected", flush=True)
        await asyncio.sleep(3600)


# ---------------------------------------------------------------------------------------------------------- both

def check(received, got, base):
    expected = {f"{base}/retained", f"{base}/q0", f"{base}/q1", f"{base}/q2", f"{base}/will"}
    if got is not None:
        end = time.monotonic() + DEADLINE
        with got:
            while {t for t, *_ in received} < expected and time.monotonic() < end:
                got.wait(0.5)
    by_topic = {t: (payload, qos, retain) for t, payload, qos, retain in received}
    missing = sorted(expected - by_topic.keys())
    if missing:
        fail(f"not received: {', '.join(missing)} (received {sorted(by_topic)})")
    payload, qos, retain = by_topic[f"{base}/retained"]
    if payload != b"kept" or not retain:
        fail(f"the retained message arrived as {payload!r} retain={retain}")
    print("ok retained message delivered with the retain flag", flush=True)
    for q in (0, 1, 2):
        payload, qos, _ = by_topic[f"{base}/q{q}"]
        if payload != f"qos {q}".encode() or qos != q:
            fail(f"QoS {q} message arrived as {payload!r} at QoS {qos}")
    print("ok QoS 0, 1 and 2 delivered at their QoS", flush=True)
    if by_topic[f"{base}/will"][0] != b"gone":
        fail("the will arrived changed")
    print("ok the will of a killed client delivered", flush=True)


def main(argv):
    usage = "usage: python_probe.py [will-holder] paho|asyncio 311|5 HOST PORT [TOPIC]"
    args = argv[1:] if argv[:1] == ["will-holder"] else argv
    if len(args) < 4 or args[0] not in ("paho", "asyncio") or args[1] not in ("311", "5"):
        fail(usage)
    if argv[0] == "will-holder":
        lib, version, host, port, topic = argv[1], argv[2], argv[3], int(argv[4]), argv[5]
        if lib == "paho":
            hold_will_paho(version, host, port, topic)
        else:
            asyncio.run(hold_will_asyncio_async(version, host, port, topic))
        return
    lib, version, host, port = argv[0], argv[1], argv[2], int(argv[3])
    check_versions(lib)
    if lib == "paho":
        run_paho(version, host, port)
    else:
        asyncio.run(run_asyncio_async(version, host, port))
    print("PASS", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
