//! Helpers for end-to-end tests: build profile trees in temp dirs, run the real binary.
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The pinned "now" every test uses: 2026-03-02T14:00:00Z.
pub const NOW: &str = "2026-03-02T14:00:00Z";
pub const NOW_UNIX: u64 = 1_772_460_000;

pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

/// `Users/<user>/AppData/Local/Microsoft/Office/<ver>/Lync/sip_<addr>`
pub fn sip_dir(root: &Path, user: &str, ver: &str, addr: &str) -> PathBuf {
    let base = root
        .join("Users")
        .join(user)
        .join("AppData/Local/Microsoft");
    if ver == "2010" {
        base.join("Communicator").join(format!("sip_{addr}"))
    } else {
        base.join("Office")
            .join(ver)
            .join("Lync")
            .join(format!("sip_{addr}"))
    }
}

/// Write `bytes` to `path` (creating folders) with a modification time `age_secs` before NOW.
pub fn put(path: &Path, bytes: &[u8], age_secs: i64) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, bytes).expect("write");
    set_age(path, age_secs);
}

pub fn set_age(path: &Path, age_secs: i64) {
    let t = if age_secs >= 0 {
        now() - Duration::from_secs(age_secs as u64)
    } else {
        now() + Duration::from_secs(age_secs.unsigned_abs())
    };
    fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(t)
        .expect("set mtime");
}

pub fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

pub fn create_item(to: &str, subject: &str, class: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
 <soap:Body><m:CreateItem MessageDisposition="SaveOnly">
  <m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/></m:SavedItemFolderId>
  <m:Items><t:Message>
   <t:ItemClass>{class}</t:ItemClass>
   <t:Subject>{subject}</t:Subject>
   <t:Body BodyType="Text">secret body text</t:Body>
   <t:ToRecipients><t:Mailbox><t:EmailAddress>{to}</t:EmailAddress></t:Mailbox></t:ToRecipients>
   <t:From><t:Mailbox><t:EmailAddress>sender@contoso.com</t:EmailAddress></t:Mailbox></t:From>
  </t:Message></m:Items>
 </m:CreateItem></soap:Body>
</soap:Envelope>"#
    )
}

pub fn bin() -> Command {
    let mut c = Command::cargo_bin("spoolscope").expect("binary");
    c.env_remove("NO_COLOR")
        .env_remove("SPOOLSCOPE_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent-spoolscope-test")
        .env("TZ", "UTC");
    c
}

/// Run `report ... --format json --now NOW` and parse stdout.
pub fn report_json(paths: &[&Path], extra: &[&str]) -> (serde_json::Value, i32, String) {
    let mut c = bin();
    c.arg("report");
    for p in paths {
        c.arg(p);
    }
    c.args(["--format", "json", "--now", NOW]).args(extra);
    let out = c.output().expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        v,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file's bytes and modification time under `root` (links recorded, not followed).
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, Option<SystemTime>)> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).follow_links(false) {
        let e = e.expect("walk");
        let md = fs::symlink_metadata(e.path()).expect("lstat");
        let content = if md.file_type().is_file() && md.len() < 1 << 20 {
            fs::read(e.path()).expect("read")
        } else if md.file_type().is_symlink() {
            fs::read_link(e.path())
                .map(|t| t.to_string_lossy().into_owned().into_bytes())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        m.insert(e.path().to_path_buf(), (content, md.modified().ok()));
    }
    m
}
