//! `shangyun devices …` end to end on a temporary SQLite database.

use std::process::{Command, Stdio};

fn run(db: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shangyun"));
    cmd.env("SHANGYUN_DATABASE", db)
        .env("SHANGYUN_ACTOR", "tester")
        .arg("devices")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn shangyun");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn add_list_rotate_revoke_keys_and_types() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = dir
        .path()
        .join("registry.db")
        .to_string_lossy()
        .into_owned();
    let (code, out, err) = run(
        &db,
        &[
            "add",
            "Meter 1",
            "--enterprise",
            "91350100M000100Y43",
            "--type",
            "electricity-meter",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out)?;
    let token = v["issued"]["token"].as_str().ok_or("no token")?.to_owned();
    assert_eq!(token.len(), 32);
    let (code, out, _) = run(
        &db,
        &[
            "add",
            "cnc",
            "--mqtt-client-id",
            "c1",
            "--mqtt-user",
            "u1",
            "--mqtt-password-stdin",
        ],
        Some("pw-1\n"),
    );
    assert_eq!(code, 0);
    assert!(out.contains("MQTT Basic: client id c1 user u1"), "{out}");
    assert!(!out.contains("pw-1"));
    let (_, out, _) = run(&db, &["list"], None);
    assert!(
        out.contains("Meter 1") && out.contains("mqtt_basic") && out.contains("2 device(s)"),
        "{out}"
    );
    let (code, out, _) = run(&db, &["token", "rotate", "1", "--json"], None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out)?;
    assert_ne!(v["token"].as_str(), Some(token.as_str()));
    assert_eq!(run(&db, &["revoke", "1"], None).0, 0);
    let (_, out, _) = run(&db, &["show", "1"], None);
    assert!(out.contains("credentials none"), "{out}");
    let (code, out, _) = run(
        &db,
        &["provision-key", "add", "--type", "air-compressor", "--json"],
        None,
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out)?;
    let key = v["provisionDeviceKey"].as_str().ok_or("no key")?.to_owned();
    let secret = v["provisionDeviceSecret"]
        .as_str()
        .ok_or("no secret")?
        .to_owned();
    let (_, out, _) = run(&db, &["provision-key", "list"], None);
    assert!(out.contains(&key) && !out.contains(&secret), "{out}");
    assert_eq!(run(&db, &["provision-key", "revoke", &key], None).0, 0);
    // refusals: exit 1 with the reason
    let (code, _, err) = run(&db, &["add", "x", "--type", "nope"], None);
    assert_eq!(code, 1);
    assert!(err.contains("unknown device type \"nope\""), "{err}");
    let (code, _, err) = run(&db, &["show", "99"], None);
    assert_eq!((code, err.trim()), (1, "error: device 99 not found"));
    // thing-model files
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"X\"\ntitle = \"t\"\n")?;
    let (code, _, err) = run(&db, &["types", "check", &bad.to_string_lossy()], None);
    assert_eq!(code, 1);
    assert!(
        err.contains("name: \"X\" is not a device-type name"),
        "{err}"
    );
    let good = dir.path().join("kiln.toml");
    std::fs::write(
        &good,
        "name = \"kiln\"\ntitle = \"Kiln\"\n[[properties]]\nkey = \"t\"\nname = \"T\"\n",
    )?;
    assert_eq!(
        run(&db, &["types", "add", &good.to_string_lossy()], None).0,
        0
    );
    // a device's own alarm rules, checked against its type
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[alarms]]\nid = \"hot\"\nkey = \"voltage_a\"\nabove = 250.0\nseverity = \"critical\"\n",
    )?;
    let (code, out, err) = run(
        &db,
        &["alarms", "rules", "1", &rules.to_string_lossy()],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 own alarm rule(s) stored"), "{out}");
    let (_, out, _) = run(&db, &["alarms", "rules", "1"], None);
    assert!(out.contains("above = 250.0"), "{out}");
    std::fs::write(
        &rules,
        "[[alarms]]\nid = \"hot\"\nkey = \"nope\"\nabove = 1.0\nseverity = \"minor\"\n",
    )?;
    let (code, _, err) = run(
        &db,
        &["alarms", "rules", "1", &rules.to_string_lossy()],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("\"nope\" is not a property of device type \"electricity-meter\""),
        "{err}"
    );
    let (_, out, _) = run(&db, &["types", "list"], None);
    assert!(out.contains("kiln") && out.contains("电能表"), "{out}");
    Ok(())
}
