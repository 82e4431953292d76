//! The endpoint packet by packet: authentication, durable PUBACKs, malformed payloads,
//! protocol violations, authorisation of topics and gateways, downlinks, takeover.

mod common;

use common::{Client, start};
use shangyun_mqtt_codec::{Packet, Protocol, QoS, reason};
use shangyun_tsdb::{SeriesKey, Value};
use std::time::Duration;

const TOKEN: &str = "device-token-0001";
const GW_TOKEN: &str = "gateway-token-0001";

fn series(id: shangyun_devices::DeviceId, key: &str) -> SeriesKey {
    SeriesKey::new(id.0 as u64, key)
}

#[tokio::test]
async fn bad_token_is_refused_in_both_versions() {
    let f = start().await;
    f.device("m1", TOKEN, false);
    let (_, ack) =
        Client::connect_raw(f.addr, Protocol::V311, "c", Some("wrong-token-xxxxxx")).await;
    assert_eq!(ack.code, reason::v311::BAD_USER_NAME_OR_PASSWORD);
    let (_, ack) = Client::connect_raw(f.addr, Protocol::V5, "c", Some("wrong-token-xxxxxx")).await;
    assert_eq!(ack.code, reason::BAD_USER_NAME_OR_PASSWORD);
    let (_, ack) = Client::connect_raw(f.addr, Protocol::V5, "c", Some(TOKEN)).await;
    assert_eq!(ack.code, 0);
    assert_eq!(ack.properties.maximum_qos, Some(1));
    assert!(ack.properties.assigned_client_identifier.is_none());
    assert_eq!(f.endpoint.stats().auth_refused, 2);
}

#[tokio::test]
async fn puback_means_the_points_are_stored() {
    let f = start().await;
    let me = f.device("m1", TOKEN, false);
    for protocol in [Protocol::V311, Protocol::V5] {
        let mut c = Client::connect(f.addr, protocol, TOKEN).await;
        // Several in flight: PUBACKs come back in PUBLISH order.
        for i in 1..=20u16 {
            let body = format!(
                r#"{{"ts":{},"values":{{"kwh":{i}.5,"on":true,"mode":"auto"}}}}"#,
                1_700_000_000_000i64 + i64::from(i) * 1000
            );
            c.publish("v1/devices/me/telemetry", body.as_bytes(), i)
                .await;
        }
        for i in 1..=20u16 {
            let ack = c.puback().await;
            assert_eq!((ack.packet_id, ack.reason), (i, 0));
            // Acknowledged = durable = queryable.
            let points = f
                .tsdb
                .range(&series(me.id, "kwh"), 0, i64::MAX)
                .expect("range")
                .points;
            assert!(
                points
                    .iter()
                    .any(|(ts, v)| *ts == 1_700_000_000_000 + i64::from(i) * 1000
                        && *v == Value::F64(f64::from(i) + 0.5))
            );
        }
    }
    assert_eq!(f.endpoint.stats().points_durable, 120);
}

#[tokio::test]
async fn malformed_payload_is_counted_and_the_connection_survives() {
    let f = start().await;
    let me = f.device("m1", TOKEN, false);
    let mut v5 = Client::connect(f.addr, Protocol::V5, TOKEN).await;
    v5.publish("v1/devices/me/telemetry", b"{not json", 1).await;
    assert_eq!(v5.puback().await.reason, reason::PAYLOAD_FORMAT_INVALID);
    v5.publish(
        "v1/devices/me/telemetry",
        br#"{"ts": 1000, "values": {"t": 1}}"#,
        2,
    )
    .await;
    assert_eq!(v5.puback().await.reason, 0);
    // 3.1.1: consumed (PUBACK), nothing stored, counted; the connection goes on.
    let mut v3 = Client::connect(f.addr, Protocol::V311, TOKEN).await;
    v3.publish("v1/devices/me/telemetry", b"[1,2", 1).await;
    v3.puback().await;
    v3.publish(
        "v1/devices/me/telemetry",
        br#"{"ts": 2000, "values": {"t": 2}}"#,
        2,
    )
    .await;
    v3.puback().await;
    assert_eq!(f.endpoint.stats().malformed_payloads, 2);
    let t = f
        .tsdb
        .range(&series(me.id, "t"), 0, i64::MAX)
        .expect("range")
        .points;
    assert_eq!(t.len(), 2);
}

#[tokio::test]
async fn protocol_violations_close_the_connection() {
    let f = start().await;
    f.device("m1", TOKEN, false);
    // A second CONNECT.
    let mut c = Client::connect(f.addr, Protocol::V5, TOKEN).await;
    c.send_raw(&[0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 5, 2, 0, 60, 0, 0, 0])
        .await;
    match c.recv().await {
        Some(Packet::Disconnect(d)) => assert_eq!(d.reason, reason::PROTOCOL_ERROR),
        other => panic!("expected DISCONNECT, got {other:?}"),
    }
    assert!(c.recv().await.is_none());
    // A malformed packet (QoS 3) in 3.1.1: closed without a word.
    let mut c = Client::connect(f.addr, Protocol::V311, TOKEN).await;
    c.send_raw(&[0x36, 5, 0, 1, b'a', 0, 1]).await;
    assert!(c.recv().await.is_none());
    // Nothing before CONNECT.
    let mut c = tokio::net::TcpStream::connect(f.addr).await.expect("tcp");
    tokio::io::AsyncWriteExt::write_all(&mut c, &[0xC0, 0])
        .await
        .expect("write");
    let mut b = [0u8; 8];
    let n = tokio::io::AsyncReadExt::read(&mut c, &mut b)
        .await
        .unwrap_or(0);
    assert_eq!(n, 0);
    assert!(f.endpoint.stats().protocol_errors >= 3);
}

#[tokio::test]
async fn a_device_cannot_use_the_gateway_api_or_unknown_topics() {
    let f = start().await;
    f.device("m1", TOKEN, false);
    let mut c = Client::connect(f.addr, Protocol::V5, TOKEN).await;
    c.publish("v1/gateway/telemetry", br#"{"Other":[{"t":1}]}"#, 1)
        .await;
    assert_eq!(c.puback().await.reason, reason::NOT_AUTHORIZED);
    c.publish("v1/devices/other/telemetry", br#"{"t":1}"#, 2)
        .await;
    assert_eq!(c.puback().await.reason, reason::NOT_AUTHORIZED);
    assert_eq!(
        c.subscribe("v1/gateway/rpc").await,
        vec![reason::NOT_AUTHORIZED]
    );
    assert_eq!(c.subscribe("other/#").await, vec![reason::NOT_AUTHORIZED]);
    // 3.1.1 cannot refuse one message: the connection closes.
    let mut c = Client::connect(f.addr, Protocol::V311, TOKEN).await;
    c.publish("v1/gateway/telemetry", br#"{"Other":[{"t":1}]}"#, 1)
        .await;
    assert!(c.recv().await.is_none());
}

#[tokio::test]
async fn gateway_publishes_for_its_own_sub_devices_only() {
    let f = start().await;
    f.device("gw1", GW_TOKEN, true);
    let other_gw = f.device("gw2", "gateway-token-0002", true);
    let mut c = Client::connect(f.addr, Protocol::V5, GW_TOKEN).await;
    c.publish("v1/gateway/connect", br#"{"device":"Meter A"}"#, 1)
        .await;
    assert_eq!(c.puback().await.reason, 0);
    let body = br#"{"Meter A":[{"ts":1700000000000,"values":{"kwh":1.5}}],"Meter B":[{"ts":1700000000000,"values":{"kwh":2.5}}]}"#;
    c.publish("v1/gateway/telemetry", body, 2).await;
    assert_eq!(c.puback().await.reason, 0);
    let listed = f.directory.list();
    for (name, want) in [("Meter A", 1.5), ("Meter B", 2.5)] {
        let child = listed
            .iter()
            .find(|d| d.name == name)
            .expect("sub-device created");
        assert_eq!(
            child.gateway,
            Some(listed.iter().find(|d| d.name == "gw1").expect("gw").id)
        );
        let pts = f
            .tsdb
            .range(&series(child.id, "kwh"), 0, i64::MAX)
            .expect("range")
            .points;
        assert_eq!(pts, vec![(1_700_000_000_000, Value::F64(want))]);
    }
    // Another gateway's sub-device is refused.
    let mut c2 = Client::connect(f.addr, Protocol::V5, "gateway-token-0002").await;
    c2.publish("v1/gateway/telemetry", br#"{"Meter A":[{"kwh":9}]}"#, 1)
        .await;
    assert_eq!(c2.puback().await.reason, reason::NOT_AUTHORIZED);
    let _ = other_gw;
}

#[tokio::test]
async fn rpc_attributes_and_takeover() {
    let f = start().await;
    let me = f.device("m1", TOKEN, false);
    let mut c = Client::connect(f.addr, Protocol::V311, TOKEN).await;
    // Client attributes, then an attribute request answered on the response topic.
    c.publish("v1/devices/me/attributes", br#"{"fw":"2.1.0"}"#, 1)
        .await;
    c.puback().await;
    assert_eq!(
        c.subscribe("v1/devices/me/attributes/response/+").await,
        vec![1]
    );
    c.publish(
        "v1/devices/me/attributes/request/7",
        br#"{"clientKeys":"fw"}"#,
        2,
    )
    .await;
    c.puback().await;
    let p = c.next_publish().await;
    assert_eq!(p.topic, "v1/devices/me/attributes/response/7");
    let v: serde_json::Value = serde_json::from_slice(&p.payload).expect("json");
    assert_eq!(v["client"]["fw"], "2.1.0");
    // Shared attribute update pushed.
    assert_eq!(c.subscribe("v1/devices/me/attributes").await, vec![1]);
    let mut attrs = serde_json::Map::new();
    attrs.insert("target".into(), 42.into());
    use shangyun_devices::DeviceDirectory;
    f.directory
        .shared_attributes_set(me.id, attrs)
        .await
        .expect("set");
    let p = c.next_publish().await;
    assert_eq!(p.topic, "v1/devices/me/attributes");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&p.payload).expect("json")["target"],
        42
    );
    // Server-side RPC: the caller gets the device's answer.
    assert_eq!(c.subscribe("v1/devices/me/rpc/request/+").await, vec![1]);
    let hub = f.endpoint.clone();
    let call = tokio::spawn(async move {
        hub.hub()
            .rpc(
                me.id,
                "setValve",
                r#"{"open":true}"#,
                Duration::from_secs(5),
            )
            .await
    });
    let p = c.next_publish().await;
    let id = p.topic.rsplit('/').next().expect("id").to_owned();
    let req: serde_json::Value = serde_json::from_slice(&p.payload).expect("json");
    assert_eq!(req["method"], "setValve");
    assert_eq!(req["params"]["open"], true);
    c.publish(
        &format!("v1/devices/me/rpc/response/{id}"),
        br#"{"ok":true}"#,
        3,
    )
    .await;
    c.puback().await;
    let answer = call.await.expect("join").expect("rpc");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&answer).expect("json")["ok"],
        true
    );
    // Client-side RPC.
    assert_eq!(c.subscribe("v1/devices/me/rpc/response/+").await, vec![1]);
    c.publish(
        "v1/devices/me/rpc/request/5",
        br#"{"method":"getCurrentTime","params":{}}"#,
        4,
    )
    .await;
    c.puback().await;
    let p = c.next_publish().await;
    assert_eq!(p.topic, "v1/devices/me/rpc/response/5");
    // Same client id again: the first session is closed.
    let (mut a, _) = Client::connect_raw(f.addr, Protocol::V5, "dup-id", Some(TOKEN)).await;
    let (_b, ack) = Client::connect_raw(f.addr, Protocol::V5, "dup-id", Some(TOKEN)).await;
    assert_eq!(ack.code, 0);
    match a.recv().await {
        Some(Packet::Disconnect(d)) => assert_eq!(d.reason, reason::SESSION_TAKEN_OVER),
        other => panic!("expected DISCONNECT, got {other:?}"),
    }
    assert_eq!(f.endpoint.stats().takeovers, 1);
}

#[tokio::test]
async fn a_provisioning_session_may_only_provision() {
    let f = start().await;
    let (key, secret) = f.directory.add_provision_key(Some("E1".into()), None);
    // Anything but the request closes the session (5.0: told why), nothing is created.
    let (mut c, ack) = Client::connect_raw(f.addr, Protocol::V5, "p1", Some("provision")).await;
    assert_eq!(ack.code, 0);
    assert_eq!(
        c.subscribe("v1/devices/me/rpc/request/+").await,
        vec![reason::NOT_AUTHORIZED]
    );
    assert_eq!(c.subscribe("/provision/response").await, vec![1]);
    c.publish("v1/devices/me/telemetry", br#"{"t":1}"#, 1).await;
    match c.recv().await {
        Some(Packet::Disconnect(d)) => assert_eq!(d.reason, reason::NOT_AUTHORIZED),
        other => panic!("expected DISCONNECT, got {other:?}"),
    }
    assert!(f.directory.list().is_empty());
    // The request: PUBACK, the response, then the server closes (3.1.1: no DISCONNECT).
    let (mut c, _) = Client::connect_raw(f.addr, Protocol::V311, "p2", Some("provision")).await;
    let body = format!(
        r#"{{"deviceName":"M9","provisionDeviceKey":"{key}","provisionDeviceSecret":"{secret}"}}"#
    );
    c.publish("/provision/request", body.as_bytes(), 7).await;
    assert_eq!(c.puback().await.packet_id, 7);
    let response = c.next_publish().await;
    assert_eq!(response.topic, "/provision/response");
    let answer: serde_json::Value = serde_json::from_slice(&response.payload).expect("json");
    assert_eq!(answer["status"], "SUCCESS");
    assert!(c.recv().await.is_none(), "the session stayed open");
    let token = answer["credentialsValue"].as_str().expect("token");
    let made = f.directory.list();
    assert_eq!(made.len(), 1);
    assert_eq!(
        (made[0].name.as_str(), made[0].enterprise.as_deref()),
        ("M9", Some("E1"))
    );
    // The token is a device's own now; "provision" stays reserved.
    let mut device = Client::connect(f.addr, Protocol::V311, token).await;
    device
        .publish("v1/devices/me/telemetry", br#"{"kwh":1}"#, 1)
        .await;
    assert_eq!(device.puback().await.reason, 0);
    let stats = f.endpoint.stats();
    assert_eq!((stats.provisioned, stats.provision_refused), (1, 0));
    assert_eq!(stats.not_authorized, 1);
}

/// Pushes shared attribute `n` to `device`.
fn push(f: &common::Fixture, device: shangyun_devices::DeviceId, n: i64) -> bool {
    let mut values = serde_json::Map::new();
    values.insert("setpoint".into(), n.into());
    f.endpoint.hub().push_shared_attributes(device, &values)
}

/// Device `m1`, connected (3.1.1) and subscribed to shared attributes at QoS 1.
async fn subscribed_at_qos_1(f: &common::Fixture) -> (shangyun_devices::DeviceIdentity, Client) {
    let me = f.device("m1", TOKEN, false);
    let mut c = Client::connect(f.addr, Protocol::V311, TOKEN).await;
    assert_eq!(
        c.subscribe_at("v1/devices/me/attributes", QoS::AtLeastOnce)
            .await,
        vec![1]
    );
    (me, c)
}

#[tokio::test]
async fn downlinks_go_at_the_subscribed_qos_and_wait_for_their_puback() {
    let f = start().await;
    let (me, mut c) = subscribed_at_qos_1(&f).await;
    assert!(push(&f, me.id, 1));
    let p = c.next_publish().await;
    assert_eq!(
        (p.qos, p.dup, p.topic.as_str()),
        (QoS::AtLeastOnce, false, "v1/devices/me/attributes")
    );
    assert_ne!(p.packet_id, 0);
    assert_eq!(p.payload, br#"{"setpoint":1}"#);
    // A second one while the first is in flight gets another id; both are acknowledged;
    // subscribing again at QoS 0 downgrades what follows.
    assert!(push(&f, me.id, 2));
    let q = c.next_publish().await;
    assert_eq!(q.qos, QoS::AtLeastOnce);
    assert_ne!(q.packet_id, p.packet_id);
    c.ack(p.packet_id).await;
    c.ack(q.packet_id).await;
    assert_eq!(
        c.subscribe_at("v1/devices/me/attributes", QoS::AtMostOnce)
            .await,
        vec![0]
    );
    assert!(push(&f, me.id, 3));
    let r = c.next_publish().await;
    assert_eq!((r.qos, r.packet_id), (QoS::AtMostOnce, 0));
    // RPC requests too follow their subscription's QoS.
    assert_eq!(
        c.subscribe_at("v1/devices/me/rpc/request/+", QoS::AtLeastOnce)
            .await,
        vec![1]
    );
    assert!(
        f.endpoint
            .hub()
            .rpc_oneway(me.id, "reboot", &serde_json::json!({}))
            .is_ok()
    );
    let rpc = c.next_publish().await;
    assert_eq!(rpc.qos, QoS::AtLeastOnce);
    assert!(rpc.topic.starts_with("v1/devices/me/rpc/request/"));
}

#[tokio::test]
async fn an_unacknowledged_downlink_is_resent_with_dup_when_the_session_resumes() {
    let f = start().await;
    let me = f.device("m1", TOKEN, false);
    for protocol in [Protocol::V311, Protocol::V5] {
        let id = format!("persist-{protocol:?}");
        // 3.1.1: clean session 0 keeps the session; 5.0: a session expiry interval.
        let expiry = (protocol == Protocol::V5).then_some(600);
        let (mut c, ack) =
            Client::connect_session(f.addr, protocol, &id, TOKEN, false, expiry).await;
        assert_eq!((ack.code, ack.session_present), (0, false));
        assert_eq!(
            c.subscribe_at("v1/devices/me/attributes", QoS::AtLeastOnce)
                .await,
            vec![1]
        );
        assert!(push(&f, me.id, 7));
        let first = c.next_publish().await;
        assert!(!first.dup);
        // Gone without a PUBACK.
        drop(c);
        let mut kept = 0;
        for _ in 0..500 {
            kept = f.endpoint.hub().kept_sessions();
            if kept == 1 && !f.endpoint.hub().is_connected(me.id) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(kept, 1, "the session was not kept");
        let (mut c, ack) =
            Client::connect_session(f.addr, protocol, &id, TOKEN, false, expiry).await;
        assert!(ack.session_present);
        let again = c.next_publish().await;
        assert!(again.dup);
        assert_eq!(
            (again.packet_id, again.qos, &again.payload),
            (first.packet_id, QoS::AtLeastOnce, &first.payload)
        );
        c.ack(again.packet_id).await;
        c.expect_nothing_queued().await;
        // The subscription came back with the session: a new update arrives at QoS 1.
        assert!(push(&f, me.id, 8));
        let next = c.next_publish().await;
        assert_eq!((next.qos, next.dup), (QoS::AtLeastOnce, false));
        // Taken over while connected, un-acked: the new connection resumes it.
        let (mut c2, ack) =
            Client::connect_session(f.addr, protocol, &id, TOKEN, false, expiry).await;
        assert!(ack.session_present);
        let resent = c2.next_publish().await;
        assert!(resent.dup);
        assert_eq!(resent.packet_id, next.packet_id);
        drop(c);
        // A clean start drops the kept session: nothing resent, nothing subscribed.
        drop(c2);
        for _ in 0..500 {
            if f.endpoint.hub().kept_sessions() == 1 && !f.endpoint.hub().is_connected(me.id) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let (mut c3, ack) = Client::connect_session(f.addr, protocol, &id, TOKEN, true, None).await;
        assert!(!ack.session_present);
        c3.expect_nothing_queued().await;
        assert!(
            !push(&f, me.id, 9),
            "pushed to a connection that never subscribed"
        );
        assert_eq!(f.endpoint.hub().kept_sessions(), 0);
    }
}

#[tokio::test]
async fn downlinks_in_flight_are_capped_until_pubacks_come() {
    let f = start().await;
    let (me, mut c) = subscribed_at_qos_1(&f).await;
    let cap = shangyun_device_endpoint::EndpointConfig::default().max_unacked_downlinks;
    for n in 0..=i64::from(cap) {
        assert!(push(&f, me.id, n));
    }
    let mut first = None;
    for _ in 0..cap {
        let p = c.next_publish().await;
        first.get_or_insert(p.packet_id);
    }
    // The one past the cap waits in the queue: the PINGRESP comes first.
    c.expect_nothing_queued().await;
    c.ack(first.expect("one")).await;
    let last = c.next_publish().await;
    assert_eq!(
        last.payload,
        format!(r#"{{"setpoint":{cap}}}"#).into_bytes()
    );
}
