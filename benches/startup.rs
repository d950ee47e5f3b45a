//! Startup. (1) Time to first frame: the live view's state built and its first frame drawn
//! (ratatui `TestBackend`, 80×24), before the background scan lands (that is what the user
//! sees first) and after a scan of the demo tree, against a bare ratatui frame in the same run.
//! (2) Time to a complete report on an empty tree: the release binary run end to end, against
//! `spoolscope --version` in the same run (process start-up alone).
//!
//! `cargo bench --bench startup` (SPOOLSCOPE_BENCH_STARTUP_RUNS changes the run count).

use chrono::Utc;
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;
use ratatui::Terminal;
use spoolscope::model::Clock;
use spoolscope::source::scan::{scan, ScanConfig};
use spoolscope::tui::app::App;
use spoolscope::tui::keys::KeyMap;
use spoolscope::tui::theme::{Theme, ThemeName};
use spoolscope::tui::ui;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn runs() -> usize {
    std::env::var("SPOOLSCOPE_BENCH_STARTUP_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
}

fn median(n: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[n / 2]
}

fn new_app(root: &Path) -> App {
    App::new(
        Clock {
            now: Utc::now(),
            stuck_after: Duration::from_secs(120),
        },
        false,
        vec![root.to_path_buf()],
        KeyMap::default(),
        Theme::new(ThemeName::Dark),
    )
}

fn run(bin: &str, args: &[&str]) {
    // A report exits non-zero when it finds stuck items: only a crash is a failure here.
    let out = Command::new(bin).args(args).output().expect("run");
    assert!(
        out.status.code().is_some_and(|c| c < 64) && !out.stdout.is_empty(),
        "{bin} {args:?} failed: {:?}",
        out.status
    );
}

fn main() {
    let n = runs();
    let bin = env!("CARGO_BIN_EXE_spoolscope");
    let empty = tempfile::tempdir().expect("tmp");
    let demo = spoolscope::demo::build(Utc::now()).expect("demo");
    let demo_root: PathBuf = demo.path().to_path_buf();

    // (1) First frame, in process.
    let bare = median(n, || {
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("backend");
        t.draw(|f| f.render_widget(Paragraph::new("spoolscope"), f.area()))
            .expect("draw");
    });
    let first = median(n, || {
        let app = new_app(&demo_root);
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("backend");
        t.draw(|f| ui::draw(f, &app)).expect("draw");
    });
    let scanned = median(n, || {
        let mut app = new_app(&demo_root);
        let s = scan(std::slice::from_ref(&demo_root), &ScanConfig::default());
        app.set_model(s.model);
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("backend");
        t.draw(|f| ui::draw(f, &app)).expect("draw");
    });

    // (2) The binary, end to end.
    let empty_arg = empty.path().to_string_lossy().into_owned();
    let demo_arg = demo_root.to_string_lossy().into_owned();
    let version = median(n, || run(bin, &["--version"]));
    let report_empty = median(n, || run(bin, &["report", &empty_arg]));
    let report_demo = median(n, || run(bin, &["report", &demo_arg]));

    println!(
        "{:<44} {:>10} {:>12} {:>8}",
        "startup", "median ms", "baseline ms", "ratio"
    );
    let row = |name: &str, v: f64, b: f64| {
        println!("{name:<44} {v:>10.3} {b:>12.3} {:>7.1}×", v / b);
    };
    row("first frame (empty model, scan pending)", first, bare);
    row("first frame with the demo scanned", scanned, bare);
    row("report on an empty tree (process)", report_empty, version);
    row("report on the demo tree (process)", report_demo, version);
    println!(
        "baselines: a bare ratatui frame (80×24 TestBackend) in process; `spoolscope --version` \
         for the process rows. {n} runs each."
    );
}
