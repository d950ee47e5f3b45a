//! Time budgets on adversarial shapes, per parser: every parser must be linear in its input.
//!
//! The shapes are the ones that made parsers quadratic: 80 000 attributes on one tag (quick-xml's
//! duplicate-attribute check), 100 000 folded header lines, 5 000 encoded words in one subject,
//! a 16 MB single line, 200 000 `<a>` siblings, deep nesting with text. In a release build each
//! full-size shape takes well under a second (`measure_full_size_shapes`, ignored, prints the
//! figures). Here, on the debug build, each runs at a size n and at 4n (4n at most that full
//! size), and must
//!
//! - finish the larger run within a generous bound ([`BOUND`], a backstop), and
//! - when the larger run takes long enough to time reliably, take less than 10× the smaller
//!   one (linear code takes about 4×, quadratic code 16×).
//!
//! Speed itself is measured in `benches/`; these tests only catch quadratic code.

use spoolscope::model::SourceKind;
use spoolscope::parse::logs::{parse_log, ParseOptions};
use spoolscope::parse::markers::Markers;
use spoolscope::parse::{mailbox, psexport, rfc2047, spool};
use std::path::Path;
use std::time::{Duration, Instant};

/// The larger run must end within this, on a debug build on a loaded 2-core machine. Generous on
/// purpose: the growth ratio below is what catches quadratic code (a quadratic shape at full size
/// takes minutes), while a tight bound failed linear code on a machine busy with other builds
/// (20 000 PowerShell rows: 11 s, 3.6× the 5 000-row run).
const BOUND: Duration = Duration::from_secs(30);
/// Below this the ratio of two runs is mostly timer and scheduler noise.
const RATIO_FLOOR: Duration = Duration::from_millis(300);

/// Best of two runs (the machine is shared; the minimum is the least disturbed).
fn time(f: &dyn Fn()) -> Duration {
    (0..2)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Run `run` on `make(n)` and `make(4n)`; check the bound and the growth.
fn budget<T>(what: &str, n: usize, make: impl Fn(usize) -> T, run: impl Fn(&T)) {
    // One measurement at a time: the tests of this file run in parallel otherwise.
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let small = make(n);
    let big = make(4 * n);
    let t1 = time(&|| run(&small));
    let t4 = time(&|| run(&big));
    eprintln!("{what}: n={n} {t1:?}, 4n {t4:?}");
    assert!(
        t4 < BOUND,
        "{what}: {} took {t4:?} (bound {BOUND:?}; {n} took {t1:?})",
        4 * n
    );
    if t4 > RATIO_FLOOR {
        let ratio = t4.as_secs_f64() / t1.as_secs_f64().max(1e-6);
        assert!(
            ratio < 10.0,
            "{what}: 4× the input took {ratio:.1}× the time ({t1:?} → {t4:?}): not linear"
        );
    }
}

// ---- shapes -------------------------------------------------------------------------------

/// `n` attributes on one tag, the interesting one last.
fn attrs(n: usize) -> String {
    let mut s = String::with_capacity(n * 12);
    for i in 0..n {
        s.push_str(&format!(" a{i}=\"v\""));
    }
    s
}

/// A MIME item whose subject is folded over `n` lines.
fn folded_mime(n: usize) -> Vec<u8> {
    let mut s = String::from("From: jdoe@contoso.com\r\nTo: rlee@contoso.com\r\nSubject: start");
    for i in 0..n {
        s.push_str(&format!("\r\n x{i}"));
    }
    s.push_str("\r\n\r\nbody\r\n");
    s.into_bytes()
}

/// `n` encoded words in one subject (mixed charsets, adjacent so they are joined).
fn encoded_words(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(match i % 4 {
            0 => "=?utf-8?Q?caf=C3=A9?= ",
            1 => "=?utf-8?B?w6k=?= ",
            2 => "=?koi8-r?B?8NLJ18XU?= ",
            _ => "=?utf-8?Q?x=Aé?= ",
        });
    }
    s
}

/// Many `=?` openings and one `?=` at the very end (a naive decoder rescans to the end for
/// every opening).
fn open_words(n: usize) -> String {
    let mut s = "=?utf-8?Q?\u{1}".repeat(n);
    s.push_str("?=");
    s
}

/// One line of `n` bytes (no newline), with an address now and then.
fn long_line(n: usize) -> Vec<u8> {
    let unit = b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxx jdoe@contoso.com =?utf-8?Q?a?= ";
    unit.iter().copied().cycle().take(n).collect()
}

/// `n` sibling `<a>` elements (with text) inside `open` … `close`.
fn siblings(open: &str, n: usize, close: &str) -> String {
    let mut s = String::with_capacity(n * 10 + open.len() + close.len());
    s.push_str(open);
    for _ in 0..n {
        s.push_str("<a>t</a>");
    }
    s.push_str(close);
    s
}

const EWS_OPEN: &str = r#"<?xml version="1.0"?><m:FindItemResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages><m:FindItemResponseMessage><m:RootFolder TotalItemsInView="1"><t:Items>"#;
const EWS_CLOSE: &str =
    "</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>";
const TRACERPT_OPEN: &str = r#"<?xml version="1.0"?><Events><Event><System><Provider Name="Lync"/><EventID>1</EventID><TimeCreated SystemTime="2026-03-02T08:50:01Z"/></System><EventData>"#;
const TRACERPT_CLOSE: &str = "</EventData></Event></Events>";

fn markers() -> std::sync::Arc<Markers> {
    Markers::builtin_shared().expect("built-in markers")
}

fn log(kind: SourceKind, bytes: &[u8], m: &Markers) {
    let out = parse_log(bytes, kind, Path::new("budget.log"), &ParseOptions::utc(m))
        .expect("in-memory read");
    assert!(out.lines > 0);
}

// ---- spool sniffer ------------------------------------------------------------------------

#[test]
fn spool_xml_many_attributes() {
    budget(
        "spool xml, attributes on one tag",
        10_000,
        |n| {
            format!(
                "<CreateItem{} MessageDisposition=\"SaveOnly\"><ConversationId{} Id=\"c\"/></CreateItem>",
                attrs(n),
                attrs(n)
            )
            .into_bytes()
        },
        |b| {
            let s = spool::sniff(b, false);
            assert_eq!(s.fields.disposition.as_deref(), Some("SaveOnly"));
            assert_eq!(s.fields.conversation_id.as_deref(), Some("c"));
        },
    );
}

#[test]
fn spool_xml_siblings_and_depth() {
    budget(
        "spool xml, <a> siblings",
        25_000,
        |n| siblings("<Message><Body>", n, "</Body></Message>").into_bytes(),
        |b| {
            assert_eq!(
                spool::sniff(b, false).format,
                spoolscope::model::Format::Xml
            )
        },
    );
}

#[test]
fn spool_mime_folded_lines() {
    budget(
        "spool mime, folded subject lines",
        25_000,
        folded_mime,
        |b| {
            let s = spool::sniff(b, false);
            assert_eq!(s.format, spoolscope::model::Format::Mime);
            assert!(s
                .fields
                .subject
                .as_deref()
                .is_some_and(|v| v.starts_with("start x0 x1 ")));
        },
    );
}

#[test]
fn spool_mime_encoded_words() {
    budget(
        "spool mime, encoded words in one subject",
        1_250,
        |n| format!("From: a@b.cd\r\nSubject: {}\r\n\r\nx", encoded_words(n)).into_bytes(),
        |b| {
            let s = spool::sniff(b, false);
            assert!(s
                .fields
                .subject
                .as_deref()
                .is_some_and(|v| v.starts_with("caféé")));
        },
    );
}

#[test]
fn rfc2047_words_and_unclosed_openings() {
    budget("decode_words, encoded words", 1_250, encoded_words, |s| {
        assert!(rfc2047::decode_words(s).text.starts_with("caféé"));
    });
    budget("decode_words, unclosed openings", 25_000, open_words, |s| {
        assert_eq!(rfc2047::decode_words(s).text, *s);
    });
}

#[test]
fn spool_single_long_line() {
    // The scan reads at most 1 MiB of a spooled file; the sniffer gets no more than that.
    budget("spool, one long line", 256 << 10, long_line, |b| {
        let s = spool::sniff(b, false);
        assert!(s.fields.addresses.len() == 1);
    });
}

#[test]
fn spool_many_distinct_addresses() {
    budget(
        "spool, distinct addresses",
        5_000,
        |n| {
            let mut s = String::from("From: a@b.cd\r\nTo: ");
            for i in 0..n {
                s.push_str(&format!("u{i}@contoso.com, "));
            }
            s.push_str("\r\n\r\n");
            for i in 0..n {
                s.push_str(&format!("v{i}@contoso.com "));
            }
            s.into_bytes()
        },
        |b| {
            let s = spool::sniff(b, false);
            assert!(s.fields.to.len() >= 5_000);
            assert_eq!(s.fields.to.len(), s.fields.addresses.len());
        },
    );
}

// ---- mailbox evidence ---------------------------------------------------------------------

#[test]
fn mailbox_many_attributes() {
    budget(
        "mailbox, attributes on one tag",
        10_000,
        |n| {
            format!(
                "{EWS_OPEN}<t:Message><t:ItemId{} Id=\"AAMk\"/></t:Message>{EWS_CLOSE}",
                attrs(n)
            )
        },
        |t| {
            let e = mailbox::parse_ews(Path::new("m.xml"), t)
                .expect("parsed")
                .expect("EWS");
            assert_eq!(e.file.items[0].id.as_deref(), Some("AAMk"));
        },
    );
}

#[test]
fn mailbox_siblings() {
    budget(
        "mailbox, <a> siblings",
        25_000,
        |n| siblings(EWS_OPEN, n, EWS_CLOSE),
        |t| {
            let e = mailbox::parse_ews(Path::new("m.xml"), t)
                .expect("parsed")
                .expect("EWS");
            assert!(!e.file.items.is_empty());
        },
    );
}

#[test]
fn mailbox_single_long_line() {
    budget(
        "mailbox, one long line",
        512 << 10,
        |n| {
            let body = String::from_utf8(long_line(n)).expect("ascii");
            format!("{EWS_OPEN}<t:Message><t:Subject>{body}</t:Subject></t:Message>{EWS_CLOSE}")
        },
        |t| {
            let e = mailbox::parse_ews(Path::new("m.xml"), t)
                .expect("parsed")
                .expect("EWS");
            assert_eq!(e.file.items.len(), 1);
        },
    );
}

#[test]
fn psexport_folded_lines_and_many_rows() {
    budget(
        "psexport, Format-List continuation lines",
        25_000,
        |n| {
            let mut s = String::from("Identity : jdoe\\Drafts\r\nName     : Drafts\r\nItemsInFolder : 4\r\nFolderType : Drafts\r\nNotes    : a");
            for i in 0..n {
                s.push_str(&format!("\r\n           x{i}"));
            }
            s.push_str("\r\n");
            s
        },
        |t| {
            let _ = psexport::parse_export(Path::new("stats.txt"), t);
        },
    );
    budget(
        "psexport, CSV rows with distinct identities",
        5_000,
        |n| {
            let mut s = String::from("\"Identity\",\"Name\",\"ItemsInFolder\",\"FolderType\"\r\n");
            for i in 0..n {
                s.push_str(&format!(
                    "\"u{i}@contoso.com\\Drafts\",\"Drafts\",\"{i}\",\"Drafts\"\r\n"
                ));
            }
            s
        },
        |t| {
            // One entry per mailbox: grouping the rows stays linear too.
            let f = psexport::parse_export(Path::new("stats.csv"), t)
                .expect("ok")
                .expect("stats");
            let n = f.folders.len();
            assert_eq!(f.split_by_mailbox().len(), n);
        },
    );
    budget(
        "psexport, one unquoted row of many split sizes",
        20_000,
        |n| {
            let mut s = String::from("Name,ItemsInFolder,FolderSize\r\nDrafts,412");
            for _ in 0..n {
                s.push_str(",1 KB (1,024 bytes)");
            }
            s.push_str("\r\n");
            s
        },
        |t| {
            let _ = psexport::parse_export(Path::new("stats.csv"), t);
        },
    );
}

// ---- tracerpt XML -------------------------------------------------------------------------

#[test]
fn tracerpt_many_attributes() {
    let m = markers();
    budget(
        "tracerpt xml, attributes on one tag",
        10_000,
        |n| {
            format!(
                "{TRACERPT_OPEN}<Data{} Name=\"Result\">HTTP/1.1 401</Data>{TRACERPT_CLOSE}",
                attrs(n)
            )
            .into_bytes()
        },
        |b| log(SourceKind::TracerptXml, b, &m),
    );
}

#[test]
fn tracerpt_siblings_and_deep_text() {
    let m = markers();
    budget(
        "tracerpt xml, <a> siblings",
        25_000,
        |n| siblings(TRACERPT_OPEN, n, TRACERPT_CLOSE).into_bytes(),
        |b| log(SourceKind::TracerptXml, b, &m),
    );
    budget(
        "tracerpt xml, deep nesting with text",
        5_000,
        |n| {
            let mut s = String::from(TRACERPT_OPEN);
            s.push_str(&"<a>t".repeat(n));
            s.push_str(&"</a>".repeat(n));
            s.push_str(TRACERPT_CLOSE);
            s.into_bytes()
        },
        |b| log(SourceKind::TracerptXml, b, &m),
    );
}

#[test]
fn tracerpt_single_long_line() {
    let m = markers();
    budget(
        "tracerpt xml, one long line",
        512 << 10,
        |n| {
            let body = String::from_utf8(long_line(n)).expect("ascii");
            format!("{TRACERPT_OPEN}<Data Name=\"Msg\">{body}</Data>{TRACERPT_CLOSE}").into_bytes()
        },
        |b| log(SourceKind::TracerptXml, b, &m),
    );
}

// ---- text logs ----------------------------------------------------------------------------

#[test]
fn logs_single_long_line_and_long_records() {
    let m = markers();
    for kind in [
        SourceKind::Uccapilog,
        SourceKind::TextLog,
        SourceKind::TracerptCsv,
    ] {
        budget(
            &format!("{kind:?}, one long line"),
            1 << 20,
            |n| {
                let mut b = b"03/02/2026|13:49:58.101 1F68:C14 ERROR :: ".to_vec();
                b.extend(long_line(n));
                b
            },
            |b| log(kind, b, &m),
        );
    }
    budget(
        "uccapilog, one record of many continuation lines",
        25_000,
        |n| {
            let mut s =
                String::from("03/02/2026|13:49:58.101 1F68:C14 INFO  :: Sending Packet\r\n");
            for i in 0..n {
                s.push_str(&format!(
                    "X-Header-{i}: =?utf-8?Q?x=Aé?= jdoe@contoso.com\r\n"
                ));
            }
            s.into_bytes()
        },
        |b| log(SourceKind::Uccapilog, b, &m),
    );
}

/// Records whose times jump back and forth over decades (a damaged or hostile log): each EWS
/// failure lands in a minute of its own, out of order. The per-minute record counts once
/// inserted every such minute into a sorted list: quadratic (a 32 MB log took 10× its time).
#[test]
fn logs_with_times_out_of_order() {
    let m = markers();
    budget(
        "uccapilog, failures at scattered times",
        20_000,
        |n| {
            let mut s = String::with_capacity(n * 90);
            let mut x: u64 = 7;
            for _ in 0..n {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = x >> 20;
                s.push_str(&format!(
                    "{:02}/{:02}/{}|{:02}:{:02}:00.000 1F68:C1C ERROR :: EWS response HTTP/1.1 401 Unauthorized\n",
                    1 + r % 12,
                    1 + (r >> 4) % 28,
                    2000 + (r >> 9) % 30,
                    (r >> 14) % 24,
                    (r >> 19) % 60,
                ));
            }
            s.into_bytes()
        },
        |b| log(SourceKind::Uccapilog, b, &m),
    );
}

/// The same shape straight into the event store (no parsing around it, so a cost that grows
/// with the square of the scattered minutes shows at a size a debug build reaches quickly).
#[test]
fn event_store_with_times_out_of_order() {
    use chrono::TimeZone;
    use spoolscope::model::{EventBound, EventKind, EventStore, LogEvent};
    let utc = chrono::FixedOffset::east_opt(0).expect("utc");
    budget(
        "event store, failures at scattered minutes",
        100_000,
        |n| {
            let mut x: u64 = 11;
            (0..n as u64)
                .map(|line| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let minute = ((x >> 24) % 15_000_000) as i64;
                    LogEvent {
                        path: "budget.UccApilog".into(),
                        line: line + 1,
                        time: utc.timestamp_opt(minute * 60, 0).single(),
                        level: Some("ERROR".into()),
                        thread: None,
                        kind: EventKind::EwsFailure,
                        marker: "ews-http-denied".into(),
                        account: None,
                        profile: None,
                        excerpt: String::new(),
                        values: [("status".to_string(), "401".to_string())].into(),
                    }
                })
                .collect::<Vec<_>>()
        },
        |events| {
            let mut s = EventStore::new(EventBound::default());
            s.absorb(events.iter().cloned());
            let (_, tallies) = s.finish();
            let placed: i64 = tallies.iter().map(|t| t.minutes.total()).sum();
            let outside: u64 = tallies.iter().map(|t| t.minutes.outside).sum();
            assert_eq!(
                placed + outside as i64,
                events.len() as i64,
                "every record counted"
            );
        },
    );
}

/// The issue's full sizes on a release build (not in CI): prints each figure.
#[test]
#[ignore = "full-size shapes: run on a release build with --ignored --nocapture"]
fn measure_full_size_shapes() {
    let m = markers();
    let show = |what: &str, f: &dyn Fn()| {
        let t = time(f);
        eprintln!("{what}: {t:?}");
        assert!(t < Duration::from_secs(1), "{what}: {t:?}");
    };
    let a = format!(
        "<CreateItem{} MessageDisposition=\"SaveOnly\"/>",
        attrs(80_000)
    )
    .into_bytes();
    show("spool xml, 80 000 attributes", &|| {
        spool::sniff(&a, false);
    });
    let f = folded_mime(100_000);
    show("spool mime, 100 000 folded lines", &|| {
        spool::sniff(&f, false);
    });
    let w = format!("From: a@b.cd\r\nSubject: {}\r\n\r\nx", encoded_words(5_000)).into_bytes();
    show("spool mime, 5 000 encoded words", &|| {
        spool::sniff(&w, false);
    });
    let l = long_line(1 << 20);
    show("spool, 1 MiB line (the read cap)", &|| {
        spool::sniff(&l, false);
    });
    let s = siblings("<Message><Body>", 200_000, "</Body></Message>").into_bytes();
    show("spool xml, 200 000 siblings", &|| {
        spool::sniff(&s, false);
    });
    let e = format!(
        "{EWS_OPEN}<t:Message><t:ItemId{} Id=\"AAMk\"/></t:Message>{EWS_CLOSE}",
        attrs(80_000)
    );
    show("mailbox, 80 000 attributes", &|| {
        let _ = mailbox::parse_ews(Path::new("m.xml"), &e);
    });
    let es = siblings(EWS_OPEN, 200_000, EWS_CLOSE);
    show("mailbox, 200 000 siblings", &|| {
        let _ = mailbox::parse_ews(Path::new("m.xml"), &es);
    });
    let t = format!(
        "{TRACERPT_OPEN}<Data{} Name=\"Result\">x</Data>{TRACERPT_CLOSE}",
        attrs(80_000)
    )
    .into_bytes();
    show("tracerpt xml, 80 000 attributes", &|| {
        log(SourceKind::TracerptXml, &t, &m)
    });
    let ts = siblings(TRACERPT_OPEN, 200_000, TRACERPT_CLOSE).into_bytes();
    show("tracerpt xml, 200 000 siblings", &|| {
        log(SourceKind::TracerptXml, &ts, &m)
    });
    let big = long_line(16 << 20);
    show("uccapilog, 16 MB line", &|| {
        log(SourceKind::Uccapilog, &big, &m)
    });
    show("text log, 16 MB line", &|| {
        log(SourceKind::TextLog, &big, &m)
    });
    let mut rec = String::from("03/02/2026|13:49:58.101 1F68:C14 INFO  :: Sending Packet\r\n");
    for i in 0..100_000 {
        rec.push_str(&format!(
            "From: \"Jürgen Müller\" <sip:jm{i}@contoso.com>;tag=1\r\n"
        ));
    }
    show("uccapilog, 100 000 non-ASCII folded lines", &|| {
        log(SourceKind::Uccapilog, rec.as_bytes(), &m)
    });
}

/// A log that names a new client version in every record. The two-thread read copied the set
/// of versions seen for the reading thread at every change: quadratic (120 000 records took
/// 20 s against 2.3 s on one thread).
#[test]
fn logs_with_ever_new_client_versions() {
    let m = markers();
    budget(
        "uccapilog, a new client version per record",
        30_000,
        |n| {
            let mut s = String::with_capacity(n * 80);
            for i in 0..n {
                s.push_str(&format!(
                    "03/02/2026|09:{:02}:{:02}.000 1F68:C1C INFO :: Lync version 16.0.{}.{}\n",
                    i / 60 % 60,
                    i % 60,
                    i / 1000,
                    i % 1000
                ));
            }
            s.into_bytes()
        },
        |b| log(SourceKind::Uccapilog, b, &m),
    );
}
