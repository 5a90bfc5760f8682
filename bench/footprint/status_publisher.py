#!/usr/bin/python3
"""The StatusPublisher sample (samples/StatusPublisher) as a Python asyncio-mqtt service, for the footprint bench
(Switchboard.Bench --footprint): the same settings (MQTT_URL, MQTT_CLIENT_ID), the same health contract (a retained
QoS 1 `health.status` envelope, `ready` on connect and `lost` as the will, on system/health/<client id>) and the same
work (a QoS 1 status every second). Runs on Debian's python3 with python3-asyncio-mqtt (asyncio-mqtt 0.16, paho 1.6).
"""
import asyncio
import json
import os
import time
import uuid
from urllib.parse import urlparse

import asyncio_mqtt

STATUSES = ["available", "in consultation", "away"]


def envelope(source: str, type_: str, data: dict) -> bytes:
    return json.dumps(
        {"id": uuid.uuid4().hex, "type": type_, "ts": time.time(), "source": source, "data": data},
        separators=(",", ":"),
    ).encode()


def health(client_id: str, ok: bool, event: str) -> bytes:
    return envelope(client_id, "health.status",
                    {"message_id": uuid.uuid4().hex, "ok": ok, "event": event, "timestamp": time.time()})


async def main() -> None:
    url = urlparse(os.environ["MQTT_URL"])
    client_id = os.environ["MQTT_CLIENT_ID"]
    health_topic = f"system/health/{client_id}"
    will = asyncio_mqtt.Will(health_topic, health(client_id, False, "lost"), qos=1, retain=True)
    async with asyncio_mqtt.Client(url.hostname, url.port or 1883, client_id=client_id, will=will, keepalive=60) as client:
        await client.publish(health_topic, health(client_id, True, "ready"), qos=1, retain=True)
        tick = 0
        while True:
            status = {"faculty_id": 7, "status": STATUSES[tick % len(STATUSES)], "timestamp": time.time()}
            await client.publish("consultease/faculty/7/status", json.dumps(status, separators=(",", ":")), qos=1)
            tick += 1
            await asyncio.sleep(1)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
