//! Finding and reading trace logs: by name (`*.UccApilog`, `*.UccApilog.bak`, `*uccapi*.uccapilog`,
//! `*.etl`) and by content (a renamed copy is still recognised; a binary ETL by its buffer
//! header's shape), plus files named with `--log`. Each log is read as a bounded-memory stream
//! up to the size it had when opened (the client may still be writing it), tied to the profile
//! and client generation it sits under, and summarised.

use super::discover::OtherFile;
use super::read::{self, ReadError};
use crate::model::{ClientGen, DetectedBy, LogSummary, Model, ScanError, Source, SourceKind};
use crate::parse::logs::{kind_by_name, parse_log, sniff_kind, LogTz, ParseOptions};
use crate::parse::markers::Markers;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A log to read and how its kind was recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub path: PathBuf,
    pub kind: SourceKind,
    pub detected_by: crate::model::DetectedBy,
}

/// Bytes looked at to recognise a log by content.
const SNIFF: usize = 16 * 1024;

/// Bytes looked at in a file whose name gives no hint (`Lync-UccApi-0.etl.copy`, `trace.bin`, no
/// extension): enough for an ETL's first buffer header and logfile header, or the first lines
/// of a text log. Every kind is recognised by a signature, so a look costs one small read.
const SNIFF_UNNAMED: usize = 4 * 1024;

/// Extensions worth a look by content (collected logs get renamed, but rarely to `.dll`).
const SNIFF_EXT: &[&str] = &[
    "uccapilog",
    "bak",
    "log",
    "txt",
    "xml",
    "csv",
    "tmp",
    "trace",
    "old",
    "1",
    "2",
    "0",
];

fn ext_of(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The kind of a log from its first bytes: a binary ETL by its buffer header's shape, else a
/// text kind from the decoded text.
fn kind_by_content(path: &Path, cap: usize) -> Result<Option<SourceKind>, ReadError> {
    let pre = read::read_prefix(path, cap)?;
    if crate::parse::etl::sniff(&pre.bytes) {
        return Ok(Some(SourceKind::Etl));
    }
    // A file whose name gives no hint and whose first bytes are binary (a NUL, and not
    // UTF-16) is no text log: no decoding (most files in a collected tree are such).
    if cap == SNIFF_UNNAMED
        && matches!(
            crate::parse::logstream::LogEncoding::sniff(&pre.bytes).0,
            crate::parse::logstream::LogEncoding::Utf8
        )
        && memchr::memchr(0, &pre.bytes).is_some()
    {
        return Ok(None);
    }
    Ok(sniff_kind(&decode_head(&pre.bytes)))
}

/// The first bytes of a file as text, decoded as a log stream would decode them (BOM or
/// guessed UTF-16, else UTF-8 with U+FFFD for what is not; lone-CR line ends as line ends),
/// without a stream's buffers: sniffing looks at every file found.
fn decode_head(bytes: &[u8]) -> String {
    use crate::parse::logstream::{lone_cr, LogEncoding};
    let (enc, skip) = LogEncoding::sniff(bytes);
    let body = bytes.get(skip..).unwrap_or_default();
    let text = match enc {
        LogEncoding::Utf16Le { .. } | LogEncoding::Utf16Be { .. } => {
            let le = matches!(enc, LogEncoding::Utf16Le { .. });
            let units = body.chunks_exact(2).map(|c| {
                let pair = [c[0], c[1]];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            });
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        LogEncoding::Utf8 | LogEncoding::Utf8Bom => String::from_utf8_lossy(body).into_owned(),
    };
    if lone_cr(body, enc) {
        text.replace('\r', "\n")
    } else {
        text
    }
}

/// Which of the files found outside spoolers are logs, and of what kind.
pub fn discover(files: &[OtherFile]) -> (Vec<LogFile>, Vec<ScanError>) {
    let mut logs = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let name = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = ext_of(&f.path);
        let by_name = kind_by_name(&name);
        // A renamed copy is still a log: every non-empty file gets a look, a short one when
        // neither its name nor its extension suggests a log.
        let hinted = by_name.is_some() || SNIFF_EXT.contains(&ext.as_str());
        if by_name.is_none() && f.size == 0 {
            continue;
        }
        let cap = if hinted { SNIFF } else { SNIFF_UNNAMED };
        let by_content = if f.size > 0 {
            let sniffed = crate::isolate::per_file(&f.path, || {
                crate::isolate::fault_point(&f.path, crate::isolate::Fault::PanicInRead);
                kind_by_content(&f.path, cap)
            });
            match sniffed {
                Ok(Ok(kind)) => kind,
                Ok(Err(e)) => {
                    if by_name.is_some() {
                        errors.push(ScanError::log_not_read(&f.path, e));
                    }
                    continue;
                }
                Err(internal) => {
                    errors.push(internal);
                    continue;
                }
            }
        } else {
            None
        };
        let (kind, how) = match (by_name, by_content) {
            (Some(a), Some(b)) if a == b => (a, DetectedBy::NameAndContent),
            (_, Some(b)) => (b, DetectedBy::Content),
            (Some(a), None) => (a, DetectedBy::Name),
            (None, None) => continue,
        };
        logs.push(LogFile {
            path: f.path.clone(),
            kind,
            detected_by: how,
        });
    }
    (logs, errors)
}

/// `--log FILE`: the kind by content, else by name, else a plain text log.
pub fn explicit(path: &Path) -> Result<LogFile, ScanError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = crate::isolate::per_file(path, || {
        crate::isolate::fault_point(path, crate::isolate::Fault::PanicInRead);
        kind_by_content(path, SNIFF)
    })?
    .map_err(|e| ScanError::log_not_read(path, e))?
    .or_else(|| kind_by_name(&name))
    .unwrap_or(SourceKind::TextLog);
    Ok(LogFile {
        path: path.to_path_buf(),
        kind,
        detected_by: DetectedBy::Flag,
    })
}

/// The client generation a log's folder shows (`…\Office\16.0\Lync\Tracing`, `%UserProfile%\Tracing`).
pub fn client_of_log(path: &Path) -> Option<ClientGen> {
    // A flat name holding backslashes (a Windows collection unpacked here) spells its folders.
    let spelled = super::layout::spelled(path);
    let path = spelled.as_path();
    let names: Vec<String> = path
        .ancestors()
        .skip(1)
        .map(|a| {
            a.file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect();
    for n in &names {
        match n.as_str() {
            "16.0" => return Some(ClientGen::Office16),
            "15.0" => return Some(ClientGen::Office15),
            "communicator" => return Some(ClientGen::Lync2010),
            _ => {}
        }
    }
    let fname = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if fname.starts_with("communicator-uccapi") {
        return Some(ClientGen::Lync2010);
    }
    // %UserProfile%\Tracing (not under AppData) is where Lync 2010 writes; a `Lync\Tracing`
    // (a collected copy of the Lync folder of 2013 or later) is not that.
    if names.first().is_some_and(|n| n == "tracing")
        && names.get(1).is_none_or(|n| n != "lync")
        && !names.iter().any(|n| n == "appdata")
    {
        if let Some(parent) = path.parent().and_then(Path::parent) {
            // (`Tracing` is inside a folder of the path as given, which may be the profile.)
            if parent.components().next().is_some() && names.len() >= 2 {
                return Some(ClientGen::Lync2010);
            }
        }
    }
    None
}

/// Rotation key: the file name without `-N`, `.bak` and extension, in its folder.
pub fn timeline_key(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut stem = name.trim_end_matches(".bak").to_string();
    if let Some(i) = stem.rfind('.') {
        stem.truncate(i);
    }
    let trimmed = stem.trim_end_matches(|c: char| c.is_ascii_digit());
    let stem = if trimmed.len() < stem.len() && trimmed.ends_with('-') {
        trimmed.trim_end_matches('-').to_string()
    } else {
        stem
    };
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{dir}/{stem}")
}

/// What reading logs needs from the settings.
pub struct LogSettings<'a> {
    pub markers: &'a Markers,
    pub tz: LogTz,
    pub time_format: Option<&'a str>,
    /// The profiles folder of `--all-users` (see `profile::profile_within`).
    pub profiles_root: Option<&'a Path>,
}

/// What reading one log gave, before it goes into the model.
struct Parsed {
    profile: Option<String>,
    client: Option<ClientGen>,
    candidates: Vec<(usize, String)>,
    out: Result<crate::parse::logs::LogOutput, ScanError>,
    /// Which kept events `out.events` holds (all but for a tail's [`read_change`](super::tail::Tail::read_change)).
    kept: super::tail::Kept,
}

/// Of accounts of the log's own profile, those whose folder shares the longest leading part
/// with the log's path: two machines' copies of one profile (`hostA/Users/jdoe`,
/// `hostB/Users/jdoe`) each keep their own logs. Paths are compared absolute and as spelled.
fn nearest<'a>(
    log: &Path,
    accounts: Vec<(usize, &'a crate::model::Account)>,
) -> Vec<(usize, &'a crate::model::Account)> {
    let full = |p: &Path| {
        super::layout::spelled(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    };
    let log = full(log);
    let shared = |a: &crate::model::Account| {
        log.components()
            .zip(full(&a.dir).components())
            .take_while(|(x, y)| x == y)
            .count()
    };
    let scored: Vec<(usize, usize, &crate::model::Account)> = accounts
        .into_iter()
        .map(|(i, a)| (shared(a), i, a))
        .collect();
    let best = scored.iter().map(|(n, _, _)| *n).max().unwrap_or(0);
    scored
        .into_iter()
        .filter(|(n, _, _)| *n == best)
        .map(|(_, i, a)| (i, a))
        .collect()
}

/// The profile, client generation and candidate accounts of a log.
fn context_of(
    f: &LogFile,
    accounts: &[crate::model::Account],
    profiles_root: Option<&Path>,
) -> (Option<String>, Option<ClientGen>, Vec<(usize, String)>) {
    // The rule the accounts' profiles come from (`discover`), so that they agree.
    // Named as the accounts are: through a link, by the folder it leads to.
    let named = super::discover::named_path(&f.path);
    let profile = super::profile::profile_within(&named, profiles_root);
    let client = client_of_log(&named);
    let candidates: Vec<(usize, String)> = {
        let same_profile: Vec<(usize, &crate::model::Account)> = accounts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.profile == profile)
            .collect();
        let same_client: Vec<(usize, &crate::model::Account)> = same_profile
            .iter()
            .copied()
            .filter(|(_, a)| client.is_none_or(|c| a.client == c))
            .collect();
        // A log outside any known profile (a collected folder, --log FILE) may belong to
        // any account scanned: the one it names, else the only one.
        let pick = if !same_client.is_empty() {
            nearest(&f.path, same_client)
        } else if !same_profile.is_empty() {
            nearest(&f.path, same_profile)
        } else {
            accounts.iter().enumerate().collect()
        };
        pick.into_iter()
            .map(|(i, a)| (i, a.address.to_ascii_lowercase()))
            .collect()
    };
    (profile, client, candidates)
}

/// Read one log (no access to the model beyond its accounts: runs on a worker thread). With
/// `tails`, a log of a tailed kind is read through its tail (whole, the first time), which
/// leaves a checkpoint near its end: the next change is read on from there. With `change`
/// too, the tail hands over only the kept events that changed since its last read.
fn parse_one(
    f: &LogFile,
    accounts: &[crate::model::Account],
    s: &LogSettings<'_>,
    tails: Option<&super::tail::Tails>,
    change: bool,
) -> Parsed {
    let (profile, client, candidates) = context_of(f, accounts, s.profiles_root);
    let opts = ParseOptions {
        markers: s.markers,
        tz: s.tz,
        time_format: s.time_format,
        profile: profile.clone(),
        accounts: &candidates,
        bound: Default::default(),
    };
    let mut kept = super::tail::Kept::All;
    // A panic while reading is this log's error (an internal error, to be reported).
    let out = crate::isolate::per_file(&f.path, || {
        crate::isolate::fault_point(&f.path, crate::isolate::Fault::PanicInRead);
        if let Some(t) = tails.filter(|_| super::tail::tailed(f.kind)) {
            let r = match change {
                true => t.read_change(&f.path, f.kind, &opts),
                false => t.read(&f.path, f.kind, &opts),
            };
            return r
                .map(|r| {
                    kept = r.kept;
                    r.out
                })
                .map_err(|e| ScanError::log_not_read(&f.path, read::describe_io(&e)))
                .and_then(|o| not_a_trace(&f.path, o));
        }
        match read::open_regular(&f.path) {
            Ok(file) => {
                // Read up to the size at open time: a log being written keeps growing behind us.
                let len = file.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
                parse_log(file.take(len), f.kind, &f.path, &opts)
                    .map_err(|e| ScanError::log_not_read(&f.path, read::describe_io(&e)))
                    .and_then(|o| not_a_trace(&f.path, o))
            }
            Err(e) => Err(ScanError::log_not_read(&f.path, e)),
        }
    })
    .and_then(|r| r);
    Parsed {
        profile,
        client,
        candidates,
        out,
        kept,
    }
}

/// A `.etl` in which not even one buffer could be read is no log: one error line, no source
/// (so the account still counts as having no trace log).
fn not_a_trace(
    path: &Path,
    o: crate::parse::logs::LogOutput,
) -> Result<crate::parse::logs::LogOutput, ScanError> {
    match (&o.etl, o.problems.first()) {
        (Some(e), Some(p)) if e.buffers == 0 => Err(ScanError::log_not_read(path, p)),
        _ => Ok(o),
    }
}

/// Parse logs on up to as many threads as there are cores (one log per thread at a time);
/// results come back in the order of `files`.
fn parse_all(
    files: &[LogFile],
    accounts: &[crate::model::Account],
    s: &LogSettings<'_>,
    tails: Option<&super::tail::Tails>,
) -> Vec<Parsed> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len());
    if threads <= 1 {
        return files
            .iter()
            .map(|f| parse_one(f, accounts, s, tails, false))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Parsed)> = std::thread::scope(|sc| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                sc.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        mine.push((i, parse_one(f, accounts, s, tails, false)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut slots: Vec<Option<Parsed>> = files.iter().map(|_| None).collect();
    for (i, p) in done.drain(..) {
        slots[i] = Some(p);
    }
    // A worker that panicked leaves holes: say so rather than lose the log silently.
    slots
        .into_iter()
        .zip(files)
        .map(|(p, f)| {
            p.unwrap_or_else(|| {
                // Named as `context_of` names it, so the profile does not change with a panic.
                let named = super::discover::named_path(&f.path);
                Parsed {
                    profile: super::profile::profile_within(&named, s.profiles_root),
                    client: client_of_log(&named),
                    candidates: Vec::new(),
                    out: Err(crate::isolate::internal_error(
                        &f.path,
                        "the thread reading it stopped",
                    )),
                    kept: super::tail::Kept::All,
                }
            })
        })
        .collect()
}

/// Read every log, add its events and source summary to the model.
pub fn read_logs(files: &[LogFile], model: &mut Model, s: &LogSettings<'_>) {
    read_logs_with(files, model, s, None);
}

/// [`read_logs`], reading the logs of tailed kinds through `tails` when given (a live session:
/// the first read leaves the checkpoint the next change goes on from).
fn read_logs_with(
    files: &[LogFile],
    model: &mut Model,
    s: &LogSettings<'_>,
    tails: Option<&super::tail::Tails>,
) {
    let mut sources: Vec<Source> = Vec::new();
    let parsed = parse_all(files, &model.accounts, s, tails);
    for (f, p) in files.iter().zip(parsed) {
        if let Some((src, events)) = into_source(f, p, model, s) {
            sources.push(src);
            model.events.extend(events);
        }
    }
    finish_logs(model, sources, s);
}

/// Read the tailed `files` on from where their last read stopped (see [`super::tail`]) and add
/// their sources and events to `model`. Returns the files whose events in `model` are only
/// those of some lines: the lines whose kept events changed since the last read of the same
/// tail, which the caller must put in place of that read's (see
/// [`crate::model::update::replace_logs`]). The others' events in `model` are all they keep.
///
/// Every read must be taken in, in order: a tail tells what changed since its last read.
///
/// `fresh` gets the notable events the reads classified for the first time (kept or not).
pub fn tail_logs(
    files: &[LogFile],
    model: &mut Model,
    s: &LogSettings<'_>,
    tails: &super::tail::Tails,
    fresh: &mut super::watch::FreshEvents,
) -> Vec<(PathBuf, Vec<u64>)> {
    let mut sources: Vec<Source> = Vec::new();
    let mut changed = Vec::new();
    let mut done: Vec<&Path> = Vec::new();
    for f in files {
        // A path named twice is read once (the second read would tell what changed since the
        // first, and both would land in one model).
        if done.contains(&f.path.as_path()) {
            continue;
        }
        done.push(&f.path);
        // The same read as a scan's (through the tail, which hands over the kept events that
        // changed since its last read, or all of them when it read from the start).
        let mut p = parse_one(f, &model.accounts, s, Some(tails), true);
        if let Some(got) = p.out.as_mut().ok().and_then(|o| o.fresh.take()) {
            fresh.events.extend(got.events);
            if let Some(over) = got.over {
                fresh.over.push((f.path.clone(), over));
            }
        }
        if p.out.is_err() {
            tails.forget(&f.path);
        }
        let kept = p.kept.clone();
        match into_source(f, p, model, s) {
            Some((src, events)) => {
                sources.push(src);
                model.events.extend(events);
                if let super::tail::Kept::Lines(lines) = kept {
                    changed.push((f.path.clone(), lines));
                }
            }
            // Nothing of it goes into the model: the next read must give all it keeps.
            None => tails.forget(&f.path),
        }
    }
    finish_logs(model, sources, s);
    changed
}

/// What one read log adds to the model: its source (with the summary) and events; its problems
/// go to `model.errors`. `None` when it gave nothing to add.
fn into_source(
    f: &LogFile,
    p: Parsed,
    model: &mut Model,
    s: &LogSettings<'_>,
) -> Option<(Source, Vec<crate::model::LogEvent>)> {
    {
        let Parsed {
            profile,
            client,
            candidates,
            out,
            ..
        } = p;
        let mut out = match out {
            Ok(o) => o,
            Err(e) => {
                model.errors.push(e);
                return None;
            }
        };
        for p in &out.problems {
            model.errors.push(ScanError::new(&f.path, p.clone()));
        }
        if out.part_unread {
            // Part of the log is unread and may hold evidence: not an all-clear.
            model.unreached.push(f.path.clone());
        }
        if f.detected_by == crate::model::DetectedBy::Flag && out.records == 0 {
            // Named by the engineer: an empty result is an error, never a silent nothing.
            model.errors.push(ScanError::new(
                &f.path,
                format!(
                    "--log: no record read as {}: expected {}",
                    f.kind.as_str(),
                    crate::parse::logs::expected_records(f.kind)
                ),
            ));
            return None;
        }
        // tracerpt's CSV of a trace with no event: its column header and the `EventTrace,
        // Header` row (the one line skipped), nothing else. Empty, not unread.
        let empty_trace =
            f.kind == crate::model::SourceKind::TracerptCsv && out.skipped == 1 && out.lines <= 2;
        if out.records == 0 && out.skipped > 0 && !empty_trace {
            // Found by the walk (by its name, its content or both: one rule), yet no line
            // started a record (a date shape not read, say; a `Lync-UccApi-0.UccApilog`
            // re-saved with other stamps): the same error as for a named file, and the path
            // joins `unreached` so the run is not an all-clear. A file with no line at all
            // (an empty log just created) is not this.
            model.errors.push(ScanError::new(
                &f.path,
                format!(
                    "no record read as {} ({} line{} skipped): expected {}",
                    f.kind.as_str(),
                    out.skipped,
                    if out.skipped == 1 { "" } else { "s" },
                    crate::parse::logs::expected_records(f.kind)
                ),
            ));
            model.unreached.push(f.path.clone());
            return None;
        }
        let events = std::mem::take(&mut out.counts);
        let account = match candidates.as_slice() {
            [(i, _)] => Some(model.accounts[*i].address.clone()),
            _ => None,
        };
        let mut notes = std::mem::take(&mut out.notes);
        if out.growing {
            notes.push("last line has no ending: the file was being written while read".into());
        }
        let summary = LogSummary {
            encoding: out.encoding.to_string(),
            detected_by: f.detected_by,
            profile,
            client,
            account,
            timeline: None,
            timeline_index: None,
            lines: out.lines,
            truncated_lines: out.truncated_lines,
            undecoded: out.undecoded,
            events_not_kept: out.not_kept,
            unclassified_lines: out.unclassified_lines,
            bad_times: out.bad_times,
            first: out.first,
            last: out.last,
            events,
            time_zone: s.tz.short(),
            growing: out.growing,
            notes,
            etl: out.etl.take(),
            tallies: std::mem::take(&mut out.tallies),
            drafts: Some(std::mem::take(&mut out.drafts)),
        };
        let src = Source {
            path: f.path.clone(),
            kind: f.kind,
            records: out.records,
            skipped: out.skipped,
            log: Some(summary),
        };
        Some((src, out.events))
    }
}

/// After logs were read: their sources in, timelines grouped, events in order.
fn finish_logs(model: &mut Model, sources: Vec<Source>, s: &LogSettings<'_>) {
    model.sources.extend(sources);
    // Rotated files of one log: one timeline, ordered by their first record.
    crate::model::update::regroup_timelines(&mut model.sources, timeline_key);
    crate::model::update::sort_events(&mut model.events);
    model.log_tz = Some(s.tz.label(chrono::Utc::now()));
}

/// The log part of a scan: discover and read (the pipeline correlates with the spooled items).
/// With `tails` (a live session), tailed logs are read through them (see `read_logs_with`).
pub fn scan_logs(
    other: &[OtherFile],
    model: &mut Model,
    config: &super::ScanConfig,
    tails: Option<&super::tail::Tails>,
) {
    model.logs_scanned = true;
    let (mut files, errors) = discover(other);
    model.errors.extend(errors);
    for p in &config.logs {
        files.retain(|f| &f.path != p);
        match explicit(p) {
            Ok(f) => files.push(f),
            Err(e) => model.errors.push(e),
        }
    }
    if !files.is_empty() {
        let markers = match &config.markers {
            Some(m) => Ok(m.clone()),
            None => Markers::builtin_shared(),
        };
        match markers {
            Ok(markers) => read_logs_with(
                &files,
                model,
                &LogSettings {
                    markers: &markers,
                    tz: config.log_tz,
                    time_format: config.log_time_format.as_deref(),
                    profiles_root: config.profiles_root.as_deref(),
                },
                tails,
            ),
            Err(e) => model
                .errors
                .push(ScanError::new("assets/markers.toml", e.to_string())),
        }
    }
    model
        .sources
        .sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
    model.errors.sort_by(|a, b| a.path.cmp(&b.path));
    model.unreached.sort();
    model.unreached.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keys_group_rotated_files() {
        let k = |p: &str| timeline_key(Path::new(p));
        assert_eq!(k("T/Lync-UccApi-0.UccApilog"), "T/lync-uccapi");
        assert_eq!(k("T/Lync-UccApi-1.UccApilog"), "T/lync-uccapi");
        assert_eq!(k("T/Lync-UccApi-0.UccApilog.bak"), "T/lync-uccapi");
        assert_eq!(k("T/trace.xml"), "T/trace");
    }

    #[test]
    fn client_generation_from_the_folder() {
        let c = |p: &str| client_of_log(Path::new(p));
        assert_eq!(
            c("/c/Users/j/AppData/Local/Microsoft/Office/16.0/Lync/Tracing/Lync-UccApi-0.UccApilog"),
            Some(ClientGen::Office16)
        );
        assert_eq!(
            c("/c/Users/j/Tracing/Communicator-uccapi-0.uccapilog"),
            Some(ClientGen::Lync2010)
        );
        assert_eq!(c("/case/logs/x.UccApilog"), None);
        // A Lync folder collected alone keeps Tracing inside it: 2013 or later, not 2010.
        assert_eq!(
            c("/case/jdoe-pc/Lync/Tracing/Lync-UccApi-0.UccApilog"),
            None
        );
        // A flat name that spells the folders (a Windows zip unpacked with its backslashes).
        #[cfg(not(windows))]
        assert_eq!(
            c(
                r"/case/Users\j\AppData\Local\Microsoft\Office\15.0\Lync\Tracing\Lync-UccApi-0.UccApilog"
            ),
            Some(ClientGen::Office15)
        );
    }

    /// The sniffing decode reads a head as the log stream does, for the encodings a log is
    /// written in: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, and lone-CR text.
    #[test]
    fn the_sniffing_decode_reads_heads_as_the_stream_does() {
        use crate::parse::logstream::Utf8Stream;
        let text = "03/02/2026|10:00:00.000 1F68:C14 INFO  :: Jürgen 日本 🙂\r\nnext line\r\n";
        let mut shapes: Vec<Vec<u8>> = vec![text.as_bytes().to_vec()];
        shapes.push([&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat());
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        shapes.push([&b"\xFF\xFE"[..], &le].concat());
        shapes.push([&b"\xFE\xFF"[..], &be].concat());
        shapes.push(le);
        shapes.push(b"first\rsecond\rthird\r".to_vec());
        for bytes in shapes {
            let mut want = String::new();
            Utf8Stream::new(bytes.as_slice())
                .and_then(|mut r| r.read_to_string(&mut want))
                .expect("stream");
            assert_eq!(decode_head(&bytes), want, "{bytes:?}");
        }
        // Bytes that are not UTF-8 come out as U+FFFD, not as nothing.
        assert_eq!(decode_head(b"a\xFFb"), "a\u{FFFD}b");
    }
}
