"""Real ThingsBoard clients against shangyun's MQTT endpoint, driven by tests/device_cloud.rs.

Usage: provision_rpc.py HOST MQTT_PORT PROVISION_KEY PROVISION_SECRET

1. paho-mqtt (3.1.1) connects with user name `provision` and a wrong secret: NOT_FOUND, then
   the server closes the connection.
2. paho-mqtt (5.0) provisions a device asking for MQTT_BASIC credentials, then connects with
   them and publishes telemetry at QoS 1.
3. tb-mqtt-client's own provisioning helper (TBDeviceMqttClient.provision) gets an access
   token; paho connects with it, publishes telemetry at QoS 1, subscribes to RPC requests at
   QoS 1 and prints "ready TOKEN"; it answers every RPC except method "ignore", and leaves once
   "ignore" has arrived.
Prints one line per step; exits 0 when every step succeeded.
"""
import json
import sys
import threading

import paho.mqtt.client as mqtt
from tb_device_mqtt import TBDeviceMqttClient

HOST, PORT = sys.argv[1], int(sys.argv[2])
KEY, SECRET = sys.argv[3], sys.argv[4]
TS = 1_700_000_000_000


def say(line):
    print(line, flush=True)


def provision_raw(protocol, request):
    """Provisioning by hand with paho: returns (response, closed_by_server)."""
    got = {}
    answered = threading.Event()
    closed = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="", protocol=protocol)
    client.username_pw_set("provision")

    def on_connect(c, _u, _f, reason, _p):
        assert not reason.is_failure, f"provision connect refused: {reason}"
        c.subscribe("/provision/response", qos=1)
        c.publish("/provision/request", json.dumps(request), qos=1)

    def on_message(_c, _u, msg):
        got["response"] = json.loads(msg.payload)
        answered.set()

    def on_disconnect(_c, _u, _f, _reason, _p):
        closed.set()

    client.on_connect = on_connect
    client.on_message = on_message
    client.on_disconnect = on_disconnect
    client.connect(HOST, PORT, keepalive=30)
    client.loop_start()
    assert answered.wait(10), "no provisioning response"
    assert closed.wait(10), "the server kept the provisioning connection open"
    client.loop_stop()
    return got["response"]


def telemetry(client, values):
    info = client.publish("v1/devices/me/telemetry", json.dumps({"ts": TS, "values": values}), qos=1)
    info.wait_for_publish(10)
    assert info.is_published(), "telemetry not acknowledged"


def connected(client):
    ok = threading.Event()
    client.on_connect = lambda *_: ok.set()
    client.connect(HOST, PORT, keepalive=30)
    client.loop_start()
    assert ok.wait(10), "device did not connect"


def main():
    # 1. A wrong secret: NOT_FOUND and the connection closed.
    refused = provision_raw(mqtt.MQTTv311, {
        "deviceName": "never-made", "provisionDeviceKey": KEY, "provisionDeviceSecret": "wrong-secret"})
    assert refused["status"] == "NOT_FOUND", refused
    say("refused NOT_FOUND")

    # 2. MQTT 5.0, MQTT_BASIC credentials chosen by the device.
    basic = provision_raw(mqtt.MQTTv5, {
        "deviceName": "basic-meter", "provisionDeviceKey": KEY, "provisionDeviceSecret": SECRET,
        "credentialsType": "MQTT_BASIC", "clientId": "basic-meter-1", "username": "basic-user",
        "password": "basic-password-1"})
    assert basic["status"] == "SUCCESS", basic
    assert basic["credentialsType"] == "MQTT_BASIC", basic
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="basic-meter-1", protocol=mqtt.MQTTv5)
    client.username_pw_set("basic-user", "basic-password-1")
    connected(client)
    telemetry(client, {"kwh": 10.5})
    client.loop_stop()
    client.disconnect()
    say("basic published")

    # 3. ThingsBoard's SDK helper, then a device answering RPCs with the token it got.
    creds = TBDeviceMqttClient.provision(HOST, KEY, SECRET, port=PORT, device_name="tb-meter")
    assert creds is not None and creds["status"] == "SUCCESS", creds
    token = creds["credentialsValue"]
    ignored = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="tb-meter", protocol=mqtt.MQTTv311)
    client.username_pw_set(token)

    def on_message(c, _u, msg):
        request_id = msg.topic.rsplit("/", 1)[1]
        request = json.loads(msg.payload)
        if request["method"] == "ignore":
            ignored.set()
            return
        reply = {"echo": request["params"], "method": request["method"], "by": "tb-meter"}
        c.publish(f"v1/devices/me/rpc/response/{request_id}", json.dumps(reply), qos=1)

    connected(client)
    client.on_message = on_message
    subscribed = threading.Event()
    client.on_subscribe = lambda *_: subscribed.set()
    telemetry(client, {"kwh": 20.25})
    result, _ = client.subscribe("v1/devices/me/rpc/request/+", qos=1)
    assert result == mqtt.MQTT_ERR_SUCCESS
    assert subscribed.wait(10), "no SUBACK"
    say(f"ready {token}")
    assert ignored.wait(30), "the 'ignore' RPC never arrived"
    client.loop_stop()
    client.disconnect()
    say("all done")


main()
