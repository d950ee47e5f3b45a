//! `spoolscope bundle`: an escalation package (zip) with the reports, a manifest of every source
//! with its SHA-256, redacted copies of the stuck items and redacted log excerpts around every
//! piece of evidence. It writes only the named output file.

use crate::model::{Finding, ItemState, Model};
use crate::redact;
use crate::report::{json::rfc3339, Report, ReportFormat, ReportOptions};
use crate::source::read;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Files larger than this are listed in the manifest without a hash.
pub const HASH_CAP: u64 = 1 << 30;
/// Lines of context on each side of a piece of log evidence.
pub const EXCERPT_CONTEXT: u64 = 20;
/// Only this much of a text log is read for its excerpt; evidence lines past it are named in
/// the excerpt file and the manifest entry's note instead of being excerpted.
const EXCERPT_READ_CAP: usize = 64 << 20;

#[derive(Debug, Clone)]
pub struct BundleOptions {
    pub output: PathBuf,
    pub include_content: bool,
    pub force: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{0}: already exists (use --force to overwrite)")]
    Exists(PathBuf),
    #[error("{0}: is inside a scanned folder ({1}); spoolscope never writes there")]
    InsideScanned(PathBuf, PathBuf),
    #[error("{0}: is a file this run reads ({1}); spoolscope never writes there")]
    IsInput(PathBuf, PathBuf),
    #[error("{0}: the folder for the output does not exist")]
    NoParent(PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, String),
}

#[derive(Debug, Serialize)]
pub struct ManifestEntry {
    /// The file's path on the scanned machine.
    #[serde(serialize_with = "crate::model::pathser::lossy")]
    pub source: PathBuf,
    /// Where its copy or excerpt sits in the zip, if anywhere.
    pub archived_as: Option<String>,
    pub kind: &'static str,
    pub size: u64,
    pub modified: Option<String>,
    pub sha256: Option<String>,
    pub redacted: bool,
    /// The copy holds only the file's first this many bytes (a spooled item larger than the
    /// copy limit); absent when the copy is whole or there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub tool: &'static str,
    pub version: &'static str,
    pub generated_at: String,
    pub content_included: bool,
    pub roots: Vec<String>,
    pub files: Vec<ManifestEntry>,
}

/// What was written, for the one-line summary.
#[derive(Debug)]
pub struct BundleSummary {
    pub files: usize,
    pub copies: usize,
    pub excerpts: usize,
}

/// Check the output location before any scanning work is wasted.
pub fn check_output(
    opts: &BundleOptions,
    roots: &[PathBuf],
    protected: &crate::source::output::Protected,
) -> Result<PathBuf, BundleError> {
    if crate::outfile::is_dash(&opts.output) {
        return Err(BundleError::Io(
            opts.output.clone(),
            "bundle does not write to stdout: name a .zip file (`-o ./-` for a file named -)"
                .into(),
        ));
    }
    let out = std::path::absolute(&opts.output)
        .map_err(|e| BundleError::Io(opts.output.clone(), read::describe_io(&e)))?;
    if !out.parent().is_some_and(|p| p.is_dir()) {
        return Err(BundleError::NoParent(out));
    }
    crate::source::output::check(&out, roots, protected).map_err(|e| match e {
        crate::source::output::OutputError::InsideScanned(p, r) => BundleError::InsideScanned(p, r),
        crate::source::output::OutputError::IsInput(p, f) => BundleError::IsInput(p, f),
        other => BundleError::Io(out.clone(), other.to_string()),
    })?;
    if let Some(why) = crate::outfile::refuse_replacing(&out) {
        return Err(BundleError::Io(out, why.into()));
    }
    if !opts.force && std::fs::symlink_metadata(&out).is_ok() {
        return Err(BundleError::Exists(out));
    }
    Ok(out)
}

/// The archive path for a scanned file: `files/<root name>/<path under the root>` (a file not
/// under any root: `files/other/<its whole path>`). The name is made safe to unpack anywhere:
/// both `/` and `\` separate parts (a name holding `\` spells a path on Windows, and
/// extractors treat `\` as a separator), and empty, `.` and `..` parts (any part made of dots
/// and spaces only) are dropped, so no entry can leave the folder it is unpacked into; `:` (a
/// drive prefix such as `C:`, or a Windows alternate data stream) becomes `_`, and so do
/// control and bidi characters (which `unzip -l` would send to a terminal, and no Windows
/// extractor can create).
fn archive_path(path: &Path, roots: &[PathBuf]) -> String {
    for (i, r) in roots.iter().enumerate() {
        if let Ok(rel) = path.strip_prefix(r) {
            let name = r
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| format!("root{i}"));
            return safe_entry_name(&name, &rel.to_string_lossy());
        }
    }
    safe_entry_name("other", &path.to_string_lossy())
}

/// `files/<top>/<rest>` with every part of `top` and `rest` made safe (see [`archive_path`]).
/// When no part is left, the name is `files/_`.
fn safe_entry_name(top: &str, rest: &str) -> String {
    let part = |p: &str| -> String {
        p.chars()
            .map(|c| match c == ':' || crate::sanitize::is_unsafe(c) {
                true => '_',
                false => c,
            })
            .collect()
    };
    let parts: Vec<String> = top
        .split(['/', '\\'])
        .chain(rest.split(['/', '\\']))
        // Windows drops trailing dots and spaces from a part, so `.. ` and `...` go too.
        .filter(|p| !p.chars().all(|c| c == '.' || c == ' '))
        .map(part)
        .collect();
    match parts.is_empty() {
        true => "files/_".to_string(),
        false => format!("files/{}", parts.join("/")),
    }
}

/// Entry names given out so far. A file whose name is taken (two roots of one name, two
/// names that differ only in bytes that are not UTF-8) gets `~2`, `~3`… before its extension,
/// instead of failing the whole bundle on a duplicate entry.
#[derive(Default)]
struct Names {
    used: std::collections::HashSet<String>,
    /// Per taken name, the number its next copy tries first (many copies of one name cost
    /// one try each, not a count from 2 every time).
    next: std::collections::HashMap<String, u64>,
}

impl Names {
    fn claim(&mut self, name: String) -> String {
        if self.used.insert(name.clone()) {
            return name;
        }
        let base = name.rfind('/').map_or(0, |i| i + 1);
        let dot = name[base..]
            .rfind('.')
            .filter(|&d| d > 0)
            .map_or(name.len(), |d| base + d);
        let (stem, ext) = name.split_at(dot);
        let n = self.next.entry(name.clone()).or_insert(2);
        loop {
            let c = format!("{stem}~{n}{ext}");
            *n += 1;
            if self.used.insert(c.clone()) {
                return c;
            }
        }
    }
}

fn sha256_of(path: &Path, size: u64) -> (Option<String>, Option<String>) {
    if size > HASH_CAP {
        return (
            None,
            Some(format!("larger than {} MiB, not hashed", HASH_CAP >> 20)),
        );
    }
    let mut f = match read::open_regular(path) {
        Ok(f) => f,
        Err(e) => return (None, Some(e.to_string())),
    };
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) => return (None, Some(read::describe_io(&e))),
        }
    }
    let digest = h.finalize();
    (
        Some(digest.iter().map(|b| format!("{b:02x}")).collect()),
        None,
    )
}

/// A copy of the model with private content removed (subjects masked, bodies dropped), and
/// every excerpt the plain report masks without `--show-content` masked the same way
/// ([`redact::hide_content`]: evidence of findings, items' related evidence, log events), so
/// the bundle's reports are never less redacted than `report`.
pub fn redacted_model(m: &Model, findings: &[Finding]) -> (Model, Vec<Finding>) {
    let mut m = m.clone();
    for it in &mut m.items {
        if let Some(s) = &it.fields.subject {
            it.fields.subject = Some(redact::mask(s));
        }
        it.body = None;
        it.preview = None;
    }
    let mut findings = findings.to_vec();
    redact::hide_content(&mut m, &mut findings);
    (m, findings)
}

fn zip_err(out: &Path) -> impl Fn(zip::result::ZipError) -> BundleError + '_ {
    move |e| BundleError::Io(out.to_path_buf(), e.to_string())
}

/// Write the bundle. `out` comes from [`check_output`].
pub fn write(
    out: &Path,
    roots: &[PathBuf],
    model: &Model,
    findings: &[Finding],
    ropts: &ReportOptions,
    opts: &BundleOptions,
) -> Result<BundleSummary, BundleError> {
    let io_err = |e: std::io::Error| BundleError::Io(out.to_path_buf(), read::describe_io(&e));
    let dir = out
        .parent()
        .ok_or_else(|| BundleError::NoParent(out.to_path_buf()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".spoolscope-bundle-")
        .tempfile_in(dir)
        .map_err(io_err)?;
    let mut zip = zip::ZipWriter::new(tmp.reopen().map_err(io_err)?);
    let fopts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);

    let (red_model, red_findings);
    let (m, fs) = if opts.include_content {
        (model, findings)
    } else {
        (red_model, red_findings) = redacted_model(model, findings);
        (&red_model, red_findings.as_slice())
    };
    let ropts = ReportOptions {
        show_content: opts.include_content,
        color: false,
        ..ropts.clone()
    };
    let report = Report {
        model: m,
        findings: fs,
        opts: &ropts,
    };
    for (name, fmt) in [
        ("report.json", ReportFormat::Json),
        ("report.md", ReportFormat::Markdown),
    ] {
        let mut buf = Vec::new();
        report.write(fmt, &mut buf).map_err(io_err)?;
        zip.start_file(name, fopts).map_err(zip_err(out))?;
        zip.write_all(&buf).map_err(io_err)?;
    }

    let clock = ropts.clock;
    let mut names = Names::default();
    let mut entries = Vec::new();
    let mut copies = 0;
    for it in &model.items {
        let (sha, note) = sha256_of(&it.path, it.size);
        let stuck = it.state(clock) == ItemState::Stuck;
        let mut archived = None;
        let mut truncated_at = None;
        if stuck {
            match read::read_prefix(&it.path, crate::source::scan::SPOOL_READ_CAP) {
                Ok(pre) => {
                    if pre.truncated {
                        truncated_at = Some(pre.bytes.len() as u64);
                    }
                    let bytes = if opts.include_content {
                        pre.bytes
                    } else {
                        redact::redact_item(&pre.bytes, it.format)
                    };
                    let name = names.claim(archive_path(&it.path, roots));
                    zip.start_file(name.as_str(), fopts).map_err(zip_err(out))?;
                    zip.write_all(&bytes).map_err(io_err)?;
                    archived = Some(name);
                    copies += 1;
                }
                Err(e) => {
                    entries.push(ManifestEntry {
                        source: it.path.clone(),
                        archived_as: None,
                        kind: "spooled-item",
                        size: it.size,
                        modified: it.modified.map(rfc3339),
                        sha256: sha.clone(),
                        redacted: false,
                        truncated_at: None,
                        note: Some(e.to_string()),
                    });
                    continue;
                }
            }
        }
        entries.push(ManifestEntry {
            source: it.path.clone(),
            archived_as: archived,
            kind: "spooled-item",
            size: it.size,
            modified: it.modified.map(rfc3339),
            sha256: sha,
            redacted: stuck && !opts.include_content,
            truncated_at,
            note,
        });
    }

    // Every other source file (logs, exports), with excerpts around the evidence in it.
    let mut excerpts = 0;
    let evidence_lines: Vec<(&Path, u64)> = findings
        .iter()
        .flat_map(|f| f.evidence.iter())
        .filter_map(|e| e.line.map(|l| (e.path.as_path(), l)))
        .collect();
    let files: BTreeSet<&PathBuf> = model
        .sources
        .iter()
        .filter(|s| s.kind != crate::model::SourceKind::Spooler)
        .map(|s| &s.path)
        .collect();
    for path in files {
        let md = std::fs::symlink_metadata(path).ok();
        let size = md.as_ref().map(|m| m.len()).unwrap_or(0);
        let (sha, mut note) = sha256_of(path, size);
        let mut lines: Vec<u64> = evidence_lines
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, l)| *l)
            .collect();
        lines.sort_unstable();
        lines.dedup();
        let mut archived = None;
        if !lines.is_empty() {
            use crate::model::SourceKind;
            let kind = model
                .sources
                .iter()
                .find(|s| &s.path == path)
                .map(|s| s.kind);
            let etl = kind == Some(SourceKind::Etl);
            let what = match kind {
                Some(SourceKind::MailboxItems) => redact::EvidenceText::Mailbox { items: true },
                Some(SourceKind::MailboxFolderStats | SourceKind::CsPolicy) => {
                    redact::EvidenceText::Mailbox { items: false }
                }
                _ => redact::EvidenceText::Log,
            };
            let redaction = (!opts.include_content).then_some(what);
            match excerpt(path, &lines, redaction, etl, EXCERPT_READ_CAP) {
                Ok((text, past_cap)) => {
                    if let Some(why) = past_cap {
                        note = Some(match note {
                            Some(n) => format!("{n}; {why}"),
                            None => why,
                        });
                    }
                    let name = names.claim(format!("{}.excerpt.txt", archive_path(path, roots)));
                    zip.start_file(name.as_str(), fopts).map_err(zip_err(out))?;
                    zip.write_all(text.as_bytes()).map_err(io_err)?;
                    archived = Some(name);
                    excerpts += 1;
                }
                Err(e) => note = Some(e),
            }
        }
        entries.push(ManifestEntry {
            source: path.clone(),
            archived_as: archived,
            kind: model
                .sources
                .iter()
                .find(|s| &s.path == path)
                .map(|s| s.kind.as_str())
                .unwrap_or("file"),
            size,
            modified: md
                .and_then(|m| m.modified().ok())
                .and_then(crate::clock::file_time)
                .map(rfc3339),
            sha256: sha,
            redacted: !opts.include_content && !lines.is_empty(),
            truncated_at: None,
            note,
        });
    }

    let manifest = Manifest {
        schema_version: 1,
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        generated_at: rfc3339(ropts.generated_at),
        content_included: opts.include_content,
        roots: roots
            .iter()
            .map(|r| r.to_string_lossy().into_owned())
            .collect(),
        files: entries,
    };
    let n = manifest.files.len();
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| BundleError::Io(out.to_path_buf(), e.to_string()))?;
    // Escaped as the reports are: `cat manifest.json` is safe on a terminal.
    let json = crate::report::json::terminal_safe(&json);
    zip.start_file("manifest.json", fopts)
        .map_err(zip_err(out))?;
    zip.write_all(json.as_bytes()).map_err(io_err)?;
    zip.finish().map_err(zip_err(out))?;
    // Checked again: the path may have changed while the bundle was written.
    if let Some(why) = crate::outfile::refuse_replacing(out) {
        return Err(BundleError::Io(out.to_path_buf(), why.into()));
    }
    if opts.force {
        tmp.persist(out).map_err(|e| io_err(e.error))?;
    } else {
        tmp.persist_noclobber(out).map_err(|e| io_err(e.error))?;
    }
    Ok(BundleSummary {
        files: n,
        copies,
        excerpts,
    })
}

/// Lines around each evidence line (1-based), from the first `cap` bytes of a text log
/// (evidence past them is named in a note, returned and written at the top), redacted as `redaction` says (`None`: content
/// kept). A binary `.etl` gives its records as the raw view shows them (offset, kind, strings,
/// hex), numbered as its events. Every line is sanitised as the text report sanitises it: an
/// excerpt is text to read, and control characters from the file are shown escaped.
fn excerpt(
    path: &Path,
    lines: &[u64],
    redaction: Option<redact::EvidenceText>,
    etl: bool,
    cap: usize,
) -> Result<(String, Option<String>), String> {
    let mut past_cap = None;
    let wanted = |n: u64| {
        lines
            .iter()
            .any(|&l| n + EXCERPT_CONTEXT >= l && n <= l + EXCERPT_CONTEXT)
    };
    let numbered: Vec<(u64, String)> = if etl {
        let idx = crate::source::lineindex::LineIndex::build(path).map_err(|e| e.to_string())?;
        let mut v = Vec::new();
        for &l in lines {
            // The evidence record and its neighbours, skipping what an earlier one covered.
            let first = l
                .saturating_sub(EXCERPT_CONTEXT)
                .max(1)
                .max(v.last().map_or(1, |(n, _)| n + 1));
            let end = (l + EXCERPT_CONTEXT).min(idx.len() as u64);
            if first > end {
                continue;
            }
            let text = idx
                .read_lines(first as usize - 1, (end - first + 1) as usize)
                .map_err(|e| e.to_string())?;
            v.extend((first..).zip(text));
        }
        v
    } else {
        let pre = read::read_prefix(path, cap).map_err(|e| e.to_string())?;
        let text = crate::parse::text::decode(&pre.bytes, pre.truncated)
            .map(|d| d.text)
            .ok_or("not a text file")?;
        if pre.truncated {
            // The last line read may be cut at the cap: only the lines before it are whole.
            let whole = text.lines().count().saturating_sub(1) as u64;
            let missed: Vec<String> = lines
                .iter()
                .filter(|&&l| l > whole)
                .map(u64::to_string)
                .collect();
            if !missed.is_empty() {
                past_cap = Some(format!(
                    "evidence line(s) {} past the first {} of the log read for excerpts: not excerpted",
                    missed.join(", "),
                    if cap >= 1 << 20 {
                        format!("{} MiB", cap >> 20)
                    } else {
                        format!("{cap} bytes")
                    }
                ));
            }
        }
        // The whole file is redacted first: a CSV column or an element's text that runs over
        // lines is only known from what comes before the excerpt.
        let text = match redaction {
            Some(what) => redact::redact_evidence(&text, what),
            None => text,
        };
        text.lines()
            .enumerate()
            .map(|(i, l)| (i as u64 + 1, l))
            .filter(|(n, _)| wanted(*n))
            .map(|(n, l)| (n, l.to_string()))
            .collect()
    };
    let mut out = String::new();
    if let Some(why) = &past_cap {
        out.push_str(&format!("note: {why}\n"));
    }
    let mut last = 0u64;
    for (n, line) in &numbered {
        let (n, line) = (*n, line.as_str());
        if last != 0 && n != last + 1 {
            out.push_str("…\n");
        }
        let body = match (redaction, etl) {
            (Some(_), true) => redact::redact_log_line(line),
            _ => line.to_string(),
        };
        let body = crate::sanitize::line(&body);
        let mark = if lines.contains(&n) { '>' } else { ' ' };
        out.push_str(&format!("{mark}{n:>7}: {body}\n"));
        last = n;
    }
    Ok((out, past_cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evidence past the bytes read for excerpts is never an empty excerpt said as done: the
    /// note names the line, in the returned note and at the top of the excerpt text; evidence
    /// inside them is excerpted as before.
    #[test]
    fn evidence_past_the_read_cap_is_named() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("Lync-UccApi-0.UccApilog");
        let text: String = (1..=200).map(|n| format!("line {n} filler\r\n")).collect();
        std::fs::write(&p, &text).expect("write");
        let cap = 1000; // about 70 lines
        let (out, note) = excerpt(&p, &[10, 150], None, false, cap).expect("excerpt");
        let note = note.expect("a note for line 150");
        assert!(note.contains("150") && !note.contains(" 10,"), "{note}");
        assert!(note.contains("1000 bytes"), "{note}");
        assert!(out.starts_with(&format!("note: {note}\n")), "{out}");
        assert!(out.contains(">     10: line 10 filler"), "{out}");
        assert!(!out.contains("line 150"), "{out}");
        // Within the cap: no note.
        let (out, note) = excerpt(&p, &[150], None, false, 1 << 20).expect("excerpt");
        assert_eq!(note, None);
        assert!(out.contains(">    150: line 150 filler"), "{out}");
    }

    /// A taken name gets `~2`, `~3`… before its extension (a second root of the same name no
    /// longer fails the bundle); names without an extension or with a dot folder too.
    #[test]
    fn taken_entry_names_get_a_number() {
        let mut n = Names::default();
        assert_eq!(n.claim("files/case/a.eml".into()), "files/case/a.eml");
        assert_eq!(n.claim("files/case/a.eml".into()), "files/case/a~2.eml");
        assert_eq!(n.claim("files/case/a.eml".into()), "files/case/a~3.eml");
        assert_eq!(n.claim("files/c.d/item".into()), "files/c.d/item");
        assert_eq!(n.claim("files/c.d/item".into()), "files/c.d/item~2");
        assert_eq!(n.claim("files/x/.hidden".into()), "files/x/.hidden");
        assert_eq!(n.claim("files/x/.hidden".into()), "files/x/.hidden~2");
        assert_eq!(n.claim("files/x/a~2.eml".into()), "files/x/a~2.eml");
        // Many copies of one name: each gets its own number, in order.
        let mut n = Names::default();
        let got: Vec<String> = (0..1000)
            .map(|_| n.claim("files/r/\u{fffd}.eml".into()))
            .collect();
        assert_eq!(got[0], "files/r/\u{fffd}.eml");
        assert_eq!(got[999], "files/r/\u{fffd}~1000.eml");
        assert_eq!(
            got.iter().collect::<std::collections::HashSet<_>>().len(),
            1000
        );
    }

    /// Control and bidi characters in a file or root name do not reach an entry name.
    #[test]
    fn entry_names_carry_no_control_characters() {
        let root = PathBuf::from("/t/ca\u{1b}[31mse");
        let p = root.join("sip_a\u{7}@b\u{202e}.com/x\n\u{9b}y.eml");
        let name = archive_path(&p, std::slice::from_ref(&root));
        assert!(!name.chars().any(crate::sanitize::is_unsafe), "{name:?}");
        assert_eq!(name, "files/ca_[31mse/sip_a_@b_.com/x__y.eml");
    }

    /// Review defect 2: an item's related evidence (a logged EWS CreateItem tied to a stuck
    /// item) is masked in the bundle's model as the plain report masks it.
    #[test]
    fn related_excerpts_are_masked_as_the_report_masks_them() {
        let line = "POST /EWS/Exchange.asmx CreateItem <t:Subject>QUUXSUBJ hello</t:Subject>\
                    <t:Body BodyType=\"HTML\">QUUXBODY plans</t:Body>";
        let mut m = Model::default();
        m.related.insert(
            PathBuf::from("/t/a.xml"),
            vec![crate::model::Evidence {
                path: PathBuf::from("/t/x.UccApilog"),
                line: Some(1),
                time: None,
                excerpt: Some(line.to_string()),
                link: None,
            }],
        );
        let (red, _) = redacted_model(&m, &[]);
        let got = red.related[Path::new("/t/a.xml")][0].excerpt.clone();
        let mut plain = m.clone();
        redact::hide_content(&mut plain, &mut []);
        let want = plain.related[Path::new("/t/a.xml")][0].excerpt.clone();
        assert_eq!(got, want);
        let got = got.unwrap_or_default();
        assert!(!got.contains("QUUX"), "{got}");
        assert!(
            got.contains("<t:Subject>xxxxxxxx xxxxx</t:Subject>"),
            "{got}"
        );
    }

    /// What an entry name must be: under `files/`, relative, `/`-separated, with no `\`, no
    /// `:`, no empty, `.` or `..` part (nor one of dots and spaces only), no control or bidi
    /// character.
    fn assert_safe(name: &str) {
        assert!(name.starts_with("files/"), "{name:?}");
        assert!(!name.contains(['\\', ':']), "{name:?}");
        assert!(!name.chars().any(crate::sanitize::is_unsafe), "{name:?}");
        for part in name.split('/') {
            assert!(
                !part.chars().all(|c| c == '.' || c == ' '),
                "{name:?} has the part {part:?}"
            );
        }
    }

    /// The names of review defect 5: spelled `..` parts and a drive part from backslash
    /// names do not reach an entry name; the rest of the path is kept.
    #[test]
    fn backslash_names_give_no_dotdot_or_drive_part() {
        let root = PathBuf::from("/t/z");
        let spool = "Users\\jdoe\\AppData\\Local\\Microsoft\\Office\\16.0\\Lync\\sip_jdoe@contoso.com\\History Spooler";
        let cases = [
            (
                "..\\..\\..\\..\\evil.UccApilog".to_string(),
                "files/z/evil.UccApilog",
            ),
            (
                format!("{spool}\\..\\..\\..\\evil.xml"),
                "files/z/Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com/History Spooler/evil.xml",
            ),
            (
                format!("{spool}\\C:\\Windows\\evil2.xml"),
                "files/z/Users/jdoe/AppData/Local/Microsoft/Office/16.0/Lync/sip_jdoe@contoso.com/History Spooler/C_/Windows/evil2.xml",
            ),
            ("a/./b\\.\\ .. \\...\\c.xml".to_string(), "files/z/a/b/c.xml"),
        ];
        for (rel, want) in cases {
            let name = archive_path(&root.join(&rel), std::slice::from_ref(&root));
            assert_eq!(name, want, "{rel:?}");
            assert_safe(&name);
        }
        // A file given as the root itself, and one under no root.
        let f = PathBuf::from("/t/x.UccApilog");
        assert_eq!(
            archive_path(&f, std::slice::from_ref(&f)),
            "files/x.UccApilog"
        );
        assert_eq!(
            archive_path(Path::new("C:\\logs\\..\\a.log"), &[]),
            "files/other/C_/logs/a.log"
        );
    }

    proptest::proptest! {
        /// Any root and file name, and any number of copies of one: every entry name is safe
        /// to unpack, and all names given out are distinct.
        #[test]
        fn every_entry_name_is_safe(
            root in "[a./\\\\: \u{1b}\u{202e}C]{0,8}",
            rels in proptest::collection::vec("[a./\\\\: \u{1b}\u{202e}\u{0}C]{0,24}", 1..8),
        ) {
            let root_path = PathBuf::from("/t").join(&root);
            let roots = [root_path.clone()];
            let mut names = Names::default();
            let mut seen = std::collections::HashSet::new();
            for rel in rels.iter().chain(rels.iter()) {
                let p = PathBuf::from(format!("{}/{rel}", root_path.to_string_lossy()));
                for name in [archive_path(&p, &roots), archive_path(Path::new(rel), &[])] {
                    assert_safe(&name);
                    let excerpt = format!("{name}.excerpt.txt");
                    assert_safe(&excerpt);
                    let claimed = names.claim(name);
                    assert_safe(&claimed);
                    proptest::prop_assert!(seen.insert(claimed));
                }
            }
        }
    }
}
