"""Real ThingsBoard-API clients against the endpoint, driven by tests/real_clients.rs.

Usage: tb_clients.py HOST PORT PAHO_TOKEN TB_TOKEN GATEWAY_TOKEN

Prints one line per step on stdout ("ready <who>" when a client waits for an RPC, which the
Rust test then sends through the endpoint's hub); exits 0 when every step succeeded.
"""
import json
import sys
import threading
import time

import paho.mqtt.client as mqtt
from tb_device_mqtt import TBDeviceMqttClient

HOST, PORT = sys.argv[1], int(sys.argv[2])
PAHO_TOKEN, TB_TOKEN, GATEWAY_TOKEN = sys.argv[3], sys.argv[4], sys.argv[5]
TS = 1_700_000_000_000


def say(line):
    print(line, flush=True)


def paho_device(protocol, name, ts):
    """paho-mqtt: telemetry and attributes at QoS 1, then answers one server-side RPC."""
    done = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"paho-{name}", protocol=protocol)
    client.username_pw_set(PAHO_TOKEN)

    def on_message(c, _userdata, msg):
        request_id = msg.topic.rsplit("/", 1)[1]
        request = json.loads(msg.payload)
        reply = {"echo": request["params"], "method": request["method"], "by": name}
        c.publish(f"v1/devices/me/rpc/response/{request_id}", json.dumps(reply), qos=1)
        done.set()

    client.on_message = on_message
    client.connect(HOST, PORT, keepalive=30)
    client.loop_start()
    telemetry = {"ts": ts, "values": {"temperature": 21.5, "humidity": 40, "running": True}}
    info = client.publish("v1/devices/me/telemetry", json.dumps(telemetry), qos=1)
    info.wait_for_publish(10)
    assert info.is_published(), "telemetry not acknowledged"
    info = client.publish("v1/devices/me/attributes", json.dumps({"firmware": "2.1.0"}), qos=1)
    info.wait_for_publish(10)
    result, _ = client.subscribe("v1/devices/me/rpc/request/+", qos=1)
    assert result == mqtt.MQTT_ERR_SUCCESS
    time.sleep(0.3)
    say(f"ready {name}")
    assert done.wait(20), f"{name}: no RPC request arrived"
    time.sleep(0.3)
    client.loop_stop()
    client.disconnect()
    say(f"done {name}")


def tb_device():
    """tb-mqtt-client (ThingsBoard's SDK): telemetry, attributes, RPC handler."""
    done = threading.Event()
    client = TBDeviceMqttClient(HOST, port=PORT, username=TB_TOKEN)

    def on_rpc(request_id, body):
        client.send_rpc_reply(request_id, json.dumps({"ok": True, "params": body.get("params")}))
        done.set()

    client.set_server_side_rpc_request_handler(on_rpc)
    client.connect()
    result = client.send_telemetry({"ts": TS, "values": {"kwh": 1234.56, "power": 3.5}})
    assert result.get() == 0, "tb telemetry not acknowledged"
    result = client.send_attributes({"model": "TB-SDK"})
    assert result.get() == 0, "tb attributes not acknowledged"
    time.sleep(0.5)
    say("ready tb")
    assert done.wait(20), "tb: no RPC request arrived"
    time.sleep(0.5)
    client.disconnect()
    say("done tb")


def gateway():
    """A gateway (paho) connecting two sub-devices and publishing for both in one message."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="paho-gateway")
    client.username_pw_set(GATEWAY_TOKEN)
    client.connect(HOST, PORT, keepalive=30)
    client.loop_start()
    for device in ("Sub A", "Sub B"):
        client.publish("v1/gateway/connect", json.dumps({"device": device}), qos=1).wait_for_publish(10)
    body = {
        "Sub A": [{"ts": TS, "values": {"temperature": 30.5}}],
        "Sub B": [{"ts": TS, "values": {"temperature": 31.5}}, {"ts": TS + 1000, "values": {"temperature": 32.5}}],
    }
    info = client.publish("v1/gateway/telemetry", json.dumps(body), qos=1)
    info.wait_for_publish(10)
    assert info.is_published()
    client.publish("v1/gateway/attributes", json.dumps({"Sub A": {"location": "line 1"}}), qos=1).wait_for_publish(10)
    client.loop_stop()
    client.disconnect()
    say("done gateway")


paho_device(mqtt.MQTTv311, "paho311", TS)
paho_device(mqtt.MQTTv5, "paho5", TS + 1000)
tb_device()
gateway()
say("all done")
