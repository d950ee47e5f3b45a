//! The embedded demo: a realistic sample workstation built in a temporary folder, so a user with
//! no Windows profile at hand sees spoolscope do its job. Content lives in `assets/demo/`.

use chrono::{DateTime, Utc};
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How a demo file's bytes are produced from its asset.
#[derive(Clone, Copy)]
enum Enc {
    Utf8,
    Utf16leBom,
    Raw,
}

/// One file of the sample workstation: where, from which asset, how old.
struct DemoFile {
    content: &'static [u8],
    enc: Enc,
    /// Seconds before "now" (negative: in the future).
    age_secs: i64,
}

const JDOE: &str = "Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com";
const MKIM: &str = "Users/mkim/AppData/Local/Microsoft/Office/16.0/Lync/sip_mkim@contoso.com";
const OPS: &str = "Users/ops/AppData/Local/Microsoft/Office/15.0/Lync/sip_ops@fabrikam.com";
/// Files the helpdesk collected for the ticket (found by content, anywhere under the PATH).
const CASE: &str = "Collected/ticket-1234";
const LEGACY: &str = "Users/tlegacy/AppData/Local/Microsoft/Communicator/sip_tlegacy@contoso.com";
/// Colleagues whose profile folders and file names are not ASCII (a terminal server has them).
const YAMADA: &str =
    "Users/山田太郎/AppData/Local/Microsoft/Office/16.0/Lync/sip_yamada.taro@contoso.co.jp";
const KIM: &str = "Users/김철수/AppData/Local/Microsoft/Office/16.0/Lync/sip_김철수@contoso.kr";

/// A fixed binary blob standing in for an undocumented spooled format.
const BLOB: &[u8] = b"\x00\x01SPL\x02\x00\x00\x00\x10\x00\x00\x00sip:rlee@contoso.com\x00\x00\xff\xfe\x07\x00\x13\x37\x00\x00";

fn files() -> Vec<(String, DemoFile)> {
    let f = |dir: &str, name: &str, content: &'static [u8], enc: Enc, age_secs: i64| {
        (
            format!("{dir}/{name}"),
            DemoFile {
                content,
                enc,
                age_secs,
            },
        )
    };
    let sp = |acc: &str| format!("{acc}/History Spooler");
    vec![
        f(
            &sp(JDOE),
            "{A1F03C2E-55D1-4F4B-9C1E-2B7D10A0C001}.xml",
            include_bytes!("../assets/demo/createitem-rlee.xml"),
            Enc::Utf8,
            2 * 3600 + 14 * 60,
        ),
        f(
            &sp(JDOE),
            "{A1F13C2E-55D1-4F4B-9C1E-2B7D10A0C002}.eml",
            include_bytes!("../assets/demo/federated.eml"),
            Enc::Raw,
            41 * 60,
        ),
        f(
            &sp(JDOE),
            "{A1F23C2E-55D1-4F4B-9C1E-2B7D10A0C003}.xml",
            include_bytes!("../assets/demo/missed-mkim.xml"),
            Enc::Utf16leBom,
            12 * 60,
        ),
        f(
            &sp(JDOE),
            "{A1F33C2E-55D1-4F4B-9C1E-2B7D10A0C004}.dat",
            BLOB,
            Enc::Raw,
            3 * 60 + 5,
        ),
        f(
            &sp(JDOE),
            "{A1F43C2E-55D1-4F4B-9C1E-2B7D10A0C005}.xml",
            include_bytes!("../assets/demo/pending.xml"),
            Enc::Utf8,
            48,
        ),
        f(
            &sp(MKIM),
            "{B2003C2E-55D1-4F4B-9C1E-2B7D10A0C101}.htm",
            include_bytes!("../assets/demo/note.html"),
            Enc::Utf8,
            30,
        ),
        f(
            &sp(MKIM),
            "desktop.ini",
            b"[.ShellClassInfo]\r\n",
            Enc::Raw,
            86_400 * 30,
        ),
        f(
            &sp(LEGACY),
            "{C3003C2E-55D1-4F4B-9C1E-2B7D10A0C201}.txt",
            include_bytes!("../assets/demo/legacy.txt"),
            Enc::Utf16leBom,
            5 * 3600,
        ),
        f(
            &sp(LEGACY),
            "{C3013C2E-55D1-4F4B-9C1E-2B7D10A0C202}.tmp",
            b"",
            Enc::Raw,
            4 * 3600,
        ),
        f(
            &sp(YAMADA),
            "{会議}-週次報告.xml",
            include_bytes!("../assets/demo/createitem-yamada.xml"),
            Enc::Utf8,
            25 * 60,
        ),
        f(
            &sp(KIM),
            "메시지-초안.eml",
            include_bytes!("../assets/demo/note-kim.eml"),
            Enc::Raw,
            20,
        ),
        f(OPS, "GalContacts.db", b"\x00GAL", Enc::Raw, 86_400),
        // What the helpdesk collected from the mailbox and the server (mailbox evidence).
        f(
            CASE,
            "jdoe@contoso.com Drafts (FindItem).xml",
            include_bytes!("../assets/demo/drafts-finditem.xml"),
            Enc::Utf8,
            3600,
        ),
        f(
            CASE,
            "Get-MailboxFolderStatistics jdoe.csv",
            include_bytes!("../assets/demo/folderstats-jdoe.csv"),
            Enc::Utf16leBom,
            3600,
        ),
        f(
            CASE,
            "Get-CsImConfiguration.txt",
            include_bytes!("../assets/demo/imconfiguration.txt"),
            Enc::Utf16leBom,
            3600,
        ),
        f(
            CASE,
            "Get-CsClientPolicy.txt",
            include_bytes!("../assets/demo/clientpolicy.txt"),
            Enc::Utf16leBom,
            3600,
        ),
    ]
}

/// The instant the demo's collected evidence was written against; its timestamps are moved so
/// that this instant becomes "now".
const ASSET_NOW: &str = "2026-03-02T14:00:00Z";

/// Move every `YYYY-MM-DDTHH:MM:SSZ` time in `text` by `now − ASSET_NOW`, so collected evidence
/// tells the same story as the spooler and the logs whatever day the demo runs.
fn shift_times(text: &str, now: DateTime<Utc>) -> String {
    let Ok(base) = DateTime::parse_from_rfc3339(ASSET_NOW) else {
        return text.to_string();
    };
    let delta = now - base.with_timezone(&Utc);
    let Ok(re) = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z") else {
        return text.to_string();
    };
    let text = re.replace_all(text, |c: &regex::Captures<'_>| {
        DateTime::parse_from_rfc3339(&c[0])
            .map(|t| {
                (t.with_timezone(&Utc) + delta).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            })
            .unwrap_or_else(|_| c[0].to_string())
    });
    // A mail's `Date:` header (RFC 2822) moves the same way, so a spooled message's written
    // send time agrees with its file time.
    let Ok(date) = regex::Regex::new(r"(?m)^Date: (.+?)\r?$") else {
        return text.into_owned();
    };
    date.replace_all(&text, |c: &regex::Captures<'_>| {
        DateTime::parse_from_rfc2822(c[1].trim())
            .map(|t| format!("Date: {}", (t.with_timezone(&Utc) + delta).to_rfc2822()))
            .unwrap_or_else(|_| c[0].to_string())
    })
    .into_owned()
}

fn encode(content: &[u8], enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Raw => content.to_vec(),
        Enc::Utf8 => content.to_vec(),
        Enc::Utf16leBom => {
            let text = String::from_utf8_lossy(content);
            let mut v = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                v.extend_from_slice(&u.to_le_bytes());
            }
            v
        }
    }
}

/// Write the sample workstation into `root`, with modification times relative to `now`.
pub fn write_into(root: &Path, now: DateTime<Utc>) -> std::io::Result<()> {
    for (rel, f) in files() {
        let path = root.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let bytes = match (f.enc, std::str::from_utf8(f.content)) {
            (Enc::Utf8 | Enc::Raw, Ok(text)) => shift_times(text, now).into_bytes(),
            _ => f.content.to_vec(),
        };
        fs::write(&path, encode(&bytes, f.enc))?;
        let now_sys: SystemTime = now.into();
        let t = if f.age_secs >= 0 {
            now_sys - Duration::from_secs(f.age_secs as u64)
        } else {
            now_sys + Duration::from_secs(f.age_secs.unsigned_abs())
        };
        fs::File::options()
            .write(true)
            .open(&path)?
            .set_modified(t)?;
    }
    // An account whose spooler is empty: healthy, still listed.
    fs::create_dir_all(root.join(OPS).join("History Spooler"))?;
    write_logs(root, now)?;
    Ok(())
}

/// jdoe's client trace (current file and a `.bak` rotation). Times are written as the local
/// time of this machine, like the client does, relative to `now`.
const DEMO_LOGS: &[(&str, &str)] = &[
    (
        "Lync-UccApi-0.UccApilog",
        include_str!("../assets/demo/Lync-UccApi-0.UccApilog"),
    ),
    (
        "Lync-UccApi-0.UccApilog.bak",
        include_str!("../assets/demo/Lync-UccApi-0.UccApilog.bak"),
    ),
];

/// Replace `{T:<seconds before now>}` with a UccApilog timestamp in the local zone.
pub fn render_log_template(tmpl: &str, now: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(tmpl.len() + 64);
    for line in tmpl.lines() {
        match line
            .strip_prefix("{T:")
            .and_then(|r| r.split_once('}'))
            .and_then(|(secs, rest)| secs.parse::<f64>().ok().map(|s| (s, rest)))
        {
            Some((secs, rest)) => {
                let t = now - chrono::Duration::milliseconds((secs * 1000.0).round() as i64);
                let local = t.with_timezone(&chrono::Local);
                out.push_str(&local.format("%m/%d/%Y|%H:%M:%S%.3f").to_string());
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
        out.push_str("\r\n");
    }
    out
}

fn write_logs(root: &Path, now: DateTime<Utc>) -> std::io::Result<()> {
    let dir = root
        .join("Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync")
        .join("Tracing");
    fs::create_dir_all(&dir)?;
    for (name, tmpl) in DEMO_LOGS {
        fs::write(dir.join(name), render_log_template(tmpl, now))?;
    }
    Ok(())
}

/// Build the sample workstation in a new temporary folder (removed when the value is dropped).
pub fn build(now: DateTime<Utc>) -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("spoolscope-demo-")
        .tempdir()?;
    write_into(dir.path(), now)?;
    Ok(dir)
}
