//! End-to-end: a default (redacted) bundle is safe to unpack and as private as the plain
//! report (review defects 2, 5 and 6).

use crate::common::*;
use std::path::Path;

/// Bundle `root` with `--log-tz UTC` (redacted), return the zip's entries by name.
fn bundle(root: &Path) -> Vec<(String, Vec<u8>)> {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = out_dir.path().join("case.zip");
    let run = bin()
        .args(["bundle", "--now", NOW, "--log-tz", "UTC", "-o"])
        .arg(&out)
        .arg(root)
        .output()
        .expect("run");
    assert!(
        out.exists(),
        "no bundle: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    zip_entries(&out)
}

fn text_of(entries: &[(String, Vec<u8>)], pred: impl Fn(&str) -> bool) -> String {
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let (_, b) = entries
        .iter()
        .find(|(n, _)| pred(n))
        .unwrap_or_else(|| panic!("no such entry in {names:?}"));
    String::from_utf8(b.clone()).expect("utf-8 entry")
}

/// A client log line at 13:50:`sec` (UTC).
fn line(sec: u32, msg: &str) -> String {
    format!("03/02/2026|13:50:{sec:02}.000 1F68:C14 INFO  :: {msg}\r\n")
}

/// A stuck item of jdoe (16.0) and a client log beside it with `log` as its text.
fn tree(root: &Path, log: &str) {
    let sip = sip_dir(root, "jdoe", "16.0", "jdoe@contoso.com");
    let item = create_item("rlee@contoso.com", "secret subject", "IPM.Note");
    put(&sip.join("History Spooler/a.xml"), item.as_bytes(), 570);
    let tracing = sip.parent().expect("Lync").join("Tracing");
    put(&tracing.join("Lync-UccApi-0.UccApilog"), log.as_bytes(), 60);
}

/// Defect 5 (zip slip): file names holding `..\` parts and a `C:\` part (a Windows zip
/// unpacked with literal backslashes) gave entries such as `files/z/../../../../evil…`. Every
/// entry name now stays inside the folder it is unpacked into: no `..` or `.` part, no `\`,
/// no `:`, nothing absolute; the files are still all in the bundle.
#[cfg(unix)]
#[test]
fn entry_names_never_leave_the_unpack_folder() {
    let t = tempfile::tempdir().expect("tempdir");
    let z = t.path().join("z");
    let spool = "Users\\jdoe\\AppData\\Local\\Microsoft\\Office\\16.0\\Lync\\sip_jdoe@contoso.com\\History Spooler";
    let item = create_item("rlee@contoso.com", "secret subject", "IPM.Note");
    let up = "..\\".repeat(14);
    for name in [
        format!("{spool}\\{{A1}}.xml"),
        format!("{spool}\\{up}evil.xml"),
        format!("{spool}\\C:\\Windows\\evil2.xml"),
    ] {
        put(&z.join(name), item.as_bytes(), 7200);
    }
    let log = line(1, "POST https://mail.contoso.com/EWS/Exchange.asmx")
        + &line(2, "HTTP/1.1 401 Unauthorized");
    put(
        &z.join("..\\..\\..\\..\\evil.UccApilog"),
        log.as_bytes(),
        60,
    );
    let entries = bundle(&z);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for n in &names {
        assert!(!n.starts_with('/') && !n.contains(['\\', ':']), "{n:?}");
        assert!(
            n.split('/').all(|p| !matches!(p, "" | "." | "..")),
            "{n:?} in {names:?}"
        );
    }
    assert!(
        names.contains(&"files/z/evil.UccApilog.excerpt.txt"),
        "{names:?}"
    );
    let spooled = names
        .iter()
        .filter(|n| n.contains("/History Spooler/"))
        .count();
    assert_eq!(spooled, 3, "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("History Spooler/C_/Windows/evil2.xml")),
        "{names:?}"
    );
}

/// Defect 2: a logged EWS CreateItem tied to a stuck item (`related[]`) kept its subject and
/// body in the bundle's report.json and report.md, which `report` masks. Both reports now
/// mask them as `report` does.
#[test]
fn bundle_reports_mask_related_excerpts() {
    let t = tempfile::tempdir().expect("tempdir");
    let log = line(
        40,
        "POST https://mail.contoso.com/EWS/Exchange.asmx CreateItem <t:Subject>QUUXSUBJ hello</t:Subject><t:Body BodyType=\"HTML\">&lt;p&gt;QUUXBODY plans&lt;/p&gt;</t:Body>",
    ) + &line(41, "HTTP/1.1 401 Unauthorized");
    tree(t.path(), &log);
    let entries = bundle(&t.path().join("Users"));
    let json = text_of(&entries, |n| n == "report.json");
    let md = text_of(&entries, |n| n == "report.md");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let related: Vec<&str> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|i| i["related"].as_array().into_iter().flatten())
        .filter_map(|r| r["excerpt"].as_str())
        .filter(|x| x.contains("CreateItem"))
        .collect();
    assert!(
        !related.is_empty(),
        "the CreateItem line is related: {json}"
    );
    for x in related {
        assert!(x.contains("<t:Subject>xxxxxxxx xxxxx</t:Subject>"), "{x}");
    }
    assert!(!json.contains("QUUX"), "{json}");
    assert!(!md.contains("QUUX"), "{md}");
}

/// Defect 6: the text of a logged SIP MESSAGE (its body after the blank line that ends the
/// headers, `Content-Type: text/plain`) was copied into a default bundle's log excerpt. It is
/// masked now, while the record stamps, the start line, the headers and addresses stay.
#[test]
fn log_excerpts_mask_sip_message_text() {
    let t = tempfile::tempdir().expect("tempdir");
    let log = line(
        1,
        "Sending Packet - 10.0.0.1:5061 (From Local Address: 10.0.0.2:5062) 300 bytes:",
    ) + "MESSAGE sip:rlee@contoso.com SIP/2.0\r\nFrom: <sip:jdoe@contoso.com>;tag=1\r\n\
           To: <sip:rlee@contoso.com>\r\nCall-ID: abc\r\nCSeq: 1 MESSAGE\r\n\
           Content-Type: text/plain; charset=UTF-8\r\n\r\nQUUXSECRET the merger closes friday\r\n"
        + &line(1, "End of Sending Packet - 10.0.0.1:5061")
        + &line(
            40,
            "POST https://mail.contoso.com/EWS/Exchange.asmx CreateItem",
        )
        + &line(41, "HTTP/1.1 401 Unauthorized");
    tree(t.path(), &log);
    let entries = bundle(&t.path().join("Users"));
    let x = text_of(&entries, |n| n.ends_with("UccApilog.excerpt.txt"));
    assert!(!x.contains("QUUX") && !x.contains("merger"), "{x}");
    assert!(x.contains("xxxxxxxxxx xxx xxxxxx xxxxxx xxxxxx"), "{x}");
    for kept in [
        "03/02/2026|13:50:01.000 1F68:C14 INFO  :: Sending Packet",
        "MESSAGE sip:rlee@contoso.com SIP/2.0",
        "From: <sip:jdoe@contoso.com>;tag=1",
        "Content-Type: text/plain; charset=UTF-8",
        "End of Sending Packet",
        "HTTP/1.1 401 Unauthorized",
    ] {
        assert!(x.contains(kept), "{kept:?} kept in {x}");
    }
}

/// Review wild8b d01 and d13: the first instant message of a conversation (base64 in an
/// INVITE's `Ms-Text-Format: …;ms-body=`) and the lines of a logged message after one that
/// starts with `End of ` were copied in clear into a default bundle's log excerpt and report.
#[test]
fn log_excerpts_mask_ms_body_and_whole_message_bodies() {
    let t = tempfile::tempdir().expect("tempdir");
    let log = line(1, "Sending Packet - 10.0.0.1:5061 900 bytes:")
        + "INVITE sip:rlee@contoso.com SIP/2.0\r\nFrom: <sip:jdoe@contoso.com>;tag=1\r\n\
           Ms-Text-Format: text/plain; charset=UTF-8;msgr=WAAt;ms-body=UVVVWE1TQk9EWQ==\r\n\
           Content-Type: application/sdp\r\n\r\nv=0\r\n"
        + &line(1, "End of Sending Packet - 10.0.0.1:5061")
        + &line(2, "MESSAGE sip:rlee@contoso.com SIP/2.0")
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\nHi team\r\n\
           End of day update: QUUXAFTER revenue missed\r\nQUUXLAST do not tell\r\n"
        + &line(2, "End of Sending Packet - 10.0.0.1:5061")
        + &line(
            40,
            "POST https://mail.contoso.com/EWS/Exchange.asmx CreateItem",
        )
        + &line(41, "HTTP/1.1 401 Unauthorized");
    tree(t.path(), &log);
    let entries = bundle(&t.path().join("Users"));
    for (name, bytes) in &entries {
        let x = String::from_utf8_lossy(bytes);
        for secret in ["UVVVWE1TQk9EWQ", "QUUX", "revenue"] {
            assert!(!x.contains(secret), "{secret} in {name}: {x}");
        }
    }
    let x = text_of(&entries, |n| n.ends_with("UccApilog.excerpt.txt"));
    assert!(x.contains(";msgr=WAAt;ms-body=xxxxxxxxxxxxxx=="), "{x}");
    assert!(
        x.contains("xxx xx xxx xxxxxx: xxxxxxxxx xxxxxxx xxxxxx"),
        "{x}"
    );
    assert!(x.contains("INFO  :: End of Sending Packet"), "{x}");
    assert!(x.contains("HTTP/1.1 401 Unauthorized"), "{x}");
}

/// Review wild8b d02 and d09: a MIME item with lone-CR line ends kept its subject and body in
/// a default bundle's copy, and free text in an XML item's `EmailAddress` was printed as a
/// recipient by `report` without `--show-content` and kept in the bundle.
#[test]
fn lone_cr_mime_and_free_text_recipients_stay_private() {
    let t = tempfile::tempdir().expect("tempdir");
    let sip = sip_dir(t.path(), "jdoe", "16.0", "jdoe@contoso.com");
    let spool = sip.join("History Spooler");
    let mime =
        "From: jdoe@contoso.com\rTo: rlee@contoso.com\rSubject: QUUXSUBJECT\r\rQUUX merger\r";
    put(&spool.join("a.eml"), mime.as_bytes(), 570);
    let xml = "<?xml version=\"1.0\"?><CreateItem><Items><Message><ItemClass>IPM.Note</ItemClass>\
               <Subject>s</Subject><ToRecipients><Mailbox><EmailAddress>QUUX meet me at noon\
               </EmailAddress></Mailbox></ToRecipients></Message></Items></CreateItem>";
    put(&spool.join("b.xml"), xml.as_bytes(), 570);
    let root = t.path().join("Users");
    let report = bin()
        .args(["report", "--now", NOW, "--format", "json"])
        .arg(&root)
        .output()
        .expect("run");
    let json = String::from_utf8_lossy(&report.stdout);
    assert!(json.contains("xml-email-address-not-an-address"), "{json}");
    assert!(!json.contains("QUUX"), "{json}");
    let entries = bundle(&root);
    assert!(entries.iter().any(|(n, _)| n.ends_with("a.eml")));
    for (name, bytes) in &entries {
        let x = String::from_utf8_lossy(bytes);
        assert!(!x.contains("QUUX") && !x.contains("noon"), "{name}: {x}");
    }
}

/// Review wild9b d03: an instant message logged in a netsh text dump, in a tracerpt CSV field
/// (over lines, or on one line with `\r\n` written out) or in a tracerpt XML `<Data>` was
/// copied in clear into a default bundle's excerpt. Its body is masked now in each; the start
/// line, headers, addresses and the 401 records stay.
#[test]
fn log_excerpts_mask_sip_message_text_in_every_log_kind() {
    let t = tempfile::tempdir().expect("tempdir");
    let tracing = t.path().join("case/Tracing");
    std::fs::create_dir_all(&tracing).expect("mkdir");
    let netsh = "[0]0E2C.1A1C::2026-03-02 13:50:01.1234567 [Microsoft-Lync]MESSAGE sip:rlee@contoso.com SIP/2.0\r\n\
                 From: <sip:jdoe@contoso.com>;tag=1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n\
                 QUUXNETSH the merger closes friday\r\n\
                 [0]0E2C.1A1C::2026-03-02 13:50:03.1234567 [Microsoft-Lync]EWS response HTTP/1.1 401 Unauthorized https://mail.contoso.com/EWS/Exchange.asmx\r\n";
    std::fs::write(tracing.join("netsh-trace.txt"), netsh).expect("write");
    let head = "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, Clock-Time, Kernel(ms), User(ms), User Data\r\n\
                EventTrace, Header, 0, 2, 0, 0, 0, 0, 0x0, 0x0000, 0x0000, 0, , , , , 134169180600000000, 0, 0, 65536\r\n";
    let row = "Lync, Info, 10, 0, 0, 4, 0, 0, 0x0, 0x1F68, 0x0C14, 1, , , , , 134169180600000000, 10, 20, ";
    let csv = format!(
        "{head}{row}\"MESSAGE sip:rlee@contoso.com SIP/2.0\r\nFrom: <sip:jdoe@contoso.com>;tag=1\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\nQUUXCSV the merger closes friday\"\r\n\
         {row}\"SIP/2.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nQUUXESC the merger\"\r\n\
         {row}\"EWS SendItem https://mail.contoso.com/EWS/Exchange.asmx\", \"HTTP/1.1 401 Unauthorized\"\r\n"
    );
    std::fs::write(tracing.join("trace.csv"), csv).expect("write");
    let ev = |level: u8, sec: u8, data: &str| {
        format!("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"Lync\"/><EventID>0</EventID><Level>{level}</Level><TimeCreated SystemTime=\"2026-03-02T13:50:{sec:02}.000000000Z\"/></System><EventData><Data Name=\"Message\">{data}</Data></EventData></Event>\n")
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n{}{}</Events>\n",
        ev(
            4,
            1,
            "MESSAGE sip:rlee@contoso.com SIP/2.0\nFrom: &lt;sip:jdoe@contoso.com&gt;;tag=1\n\
             Content-Type: text/plain; charset=UTF-8\n\nQUUXXML the merger closes friday"
        ),
        ev(
            2,
            2,
            "EWS response HTTP/1.1 401 Unauthorized https://mail.contoso.com/EWS/Exchange.asmx"
        )
    );
    std::fs::write(tracing.join("trace.xml"), xml).expect("write");
    let entries = bundle(&t.path().join("case"));
    for (name, kept) in [
        (
            "netsh-trace.txt.excerpt.txt",
            "[Microsoft-Lync]MESSAGE sip:rlee@contoso.com SIP/2.0",
        ),
        (
            "trace.csv.excerpt.txt",
            "\"SIP/2.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nxxxxxxx xxx xxxxxx\"",
        ),
        (
            "trace.xml.excerpt.txt",
            "From: &lt;sip:jdoe@contoso.com&gt;;tag=1",
        ),
    ] {
        let x = text_of(&entries, |n| n.ends_with(name));
        assert!(!x.contains("QUUX") && !x.contains("merger"), "{x}");
        assert!(x.contains("xxx xxxxxx xxxxxx xxxxxx"), "{x}");
        assert!(x.contains("HTTP/1.1 401 Unauthorized"), "{x}");
        assert!(x.contains(kept), "{kept:?} kept in {x}");
    }
}
