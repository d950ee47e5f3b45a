//! The live view at the edges of its terminal: Ctrl-Z (README, "Keys": the terminal is given
//! back before the view stops as a shell job, `fg` brings it back drawn whole, and where no
//! shell could continue a stopped job the view comes straight back), a terminal reporting an
//! absurd size, and a panic on a worker thread (the view ends with the message on a restored
//! terminal, never keeps drawing on one given back).

use crate::common::*;

/// Where the screen has been drawn again since `from`: a pane title that only a full redraw
/// paints (it never changes while the view runs).
fn wait_whole_frame(pty: &mut Pty, from: usize) {
    pty.wait_from(from, WAIT_LIMIT, "the view entered again", |s| {
        find(s, ENTER_ALT).is_some()
    });
    pty.wait_text(from, "Accounts ·");
}

/// Between `from` and `to` the view left the alternate screen and showed the cursor.
fn gave_back(out: &[u8], from: usize, to: usize, label: &str) {
    let seg = &out[from..to];
    let text = visible(seg);
    assert!(
        find(seg, LEAVE_ALT).is_some(),
        "{label}: alternate screen not left: {text:?}"
    );
    assert!(
        find(seg, SHOW_CURSOR).is_some(),
        "{label}: cursor not shown: {text:?}"
    );
}

/// Run `view` (a command starting the view) as a job of a shell with job control (`set -m`),
/// stop it with `stop` (which returns where the output stood), and check: the terminal was given
/// back before the shell went on (the shell says so), the view did not take it again until the
/// shell continued it with `fg`, then the whole screen is drawn and keys work (`q` ends it).
fn stops_as_a_job_and_fg_brings_it_back_whole(view: &str, stop: impl Fn(&mut Pty) -> usize) {
    let script =
        format!("set -m; {view}; echo STOPPED-AND-BACK-IN-THE-SHELL; fg; echo THE-VIEW-ENDED");
    let mut pty = Pty::spawn(&format!("bash -c {}", sh_quote(&script)), &[]);
    pty.wait_for_frame();
    let mark = stop(&mut pty);
    pty.wait_text(mark, "STOPPED-AND-BACK-IN-THE-SHELL");
    let back = find(&pty.seen[mark..], b"STOPPED-AND-BACK").expect("seen") + mark;
    gave_back(&pty.seen, mark, back, "before stopping");
    assert!(
        find(&pty.seen[mark..back], ENTER_ALT).is_none(),
        "the view came back before the shell continued it: {:?}",
        visible(&pty.seen[mark..back])
    );
    wait_whole_frame(&mut pty, back);
    pty.send(b"q");
    let out = pty.finish(WAIT_LIMIT);
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("THE-VIEW-ENDED"), "{text:?}");
    let last = rfind(&out, ENTER_ALT).expect("entered");
    gave_back(&out, last, out.len(), "at the end");
}

#[test]
fn ctrl_z_stops_the_view_as_a_job_and_fg_brings_it_back_whole() {
    if !have_script() {
        return;
    }
    stops_as_a_job_and_fg_brings_it_back_whole(&spoolscope_cmd(&["demo"]), |pty| pty.send(b"\x1a"));
}

/// A script that started the view is in its job: Ctrl-Z stops the whole job, as the terminal's
/// own Ctrl-Z would, so the shell gets its prompt back (stopping the view alone left the script
/// waiting on it and the shell waiting on the script: a hung terminal).
#[test]
fn ctrl_z_stops_a_script_that_started_the_view_with_it() {
    if !have_script() {
        return;
    }
    let wrapper = format!(
        "sh -c {}",
        sh_quote(&format!(
            "{}; echo THE-SCRIPT-WENT-ON",
            spoolscope_cmd(&["demo"])
        ))
    );
    stops_as_a_job_and_fg_brings_it_back_whole(&wrapper, |pty| pty.send(b"\x1a"));
}

/// A SIGTSTP sent from outside (`kill -TSTP`, a session tool) takes the same way as the key:
/// the terminal is given back before the view stops (it stopped raw, with echo off, before).
#[cfg(target_os = "linux")]
#[test]
fn a_sigtstp_from_outside_gives_the_terminal_back_before_stopping() {
    if !have_script() {
        return;
    }
    stops_as_a_job_and_fg_brings_it_back_whole(&spoolscope_cmd(&["demo"]), |pty| {
        let view = the_view_under(&pty.pid());
        signal(view, "TSTP");
        pty.seen.len()
    });
}

#[test]
fn without_job_control_ctrl_z_leaves_the_view_running() {
    if !have_script() {
        return;
    }
    // `sh -c` without job control: the view's process group has no shell to continue it, so
    // the stop signal is dropped and the view takes the terminal back at once.
    comes_straight_back(|pty| pty.send(b"\x1a"));
}

#[cfg(target_os = "linux")]
#[test]
fn without_job_control_a_sigtstp_from_outside_leaves_the_view_running() {
    if !have_script() {
        return;
    }
    comes_straight_back(|pty| {
        let mark = pty.seen.len();
        signal(pty.pid().parse().expect("pid"), "TSTP");
        mark
    });
}

/// The view (run with `exec` under `sh -c`, no job control) is asked to stop by `stop`: it gives
/// the terminal back, takes it again at once and still answers keys.
fn comes_straight_back(stop: impl Fn(&mut Pty) -> usize) {
    let mut pty = Pty::spawn(&spoolscope_cmd(&["demo"]), &[]);
    pty.wait_for_frame();
    let mark = stop(&mut pty);
    wait_whole_frame(&mut pty, mark);
    let again = rfind(&pty.seen, ENTER_ALT).expect("entered again");
    gave_back(&pty.seen, mark, again, "before taking it back");
    pty.send(b"q");
    let out = pty.finish(WAIT_LIMIT);
    let last = rfind(&out, ENTER_ALT).expect("entered");
    gave_back(&out, last, out.len(), "at the end");
}

/// The spoolscope process started (directly or not) by the process `ancestor`.
#[cfg(target_os = "linux")]
fn the_view_under(ancestor: &str) -> u32 {
    let ancestor: u32 = ancestor.parse().expect("pid");
    let parent_of = |pid: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let exe = std::fs::canonicalize(bin_path()).expect("binary");
    let start = std::time::Instant::now();
    loop {
        for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            if std::fs::read_link(e.path().join("exe")).ok().as_ref() != Some(&exe) {
                continue;
            }
            let mut p = pid;
            while let Some(up) = parent_of(p).filter(|&up| up > 1) {
                if up == ancestor {
                    return pid;
                }
                p = up;
            }
        }
        assert!(start.elapsed() < WAIT_LIMIT, "no view under {ancestor}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[cfg(target_os = "linux")]
fn signal(pid: u32, sig: &str) {
    let cmd = format!("kill -{sig} {pid}");
    assert!(tool(&["sh".as_ref(), "-c".as_ref(), cmd.as_ref()]), "{cmd}");
}

fn spoolscope_cmd(args: &[&str]) -> String {
    let mut s = sh_quote(&bin_path().to_string_lossy());
    for a in args {
        s.push(' ');
        s.push_str(&sh_quote(a));
    }
    s
}

/// The pty is back in cooked mode with echo (from the `stty -a` after the run).
fn cooked(out: &[u8]) -> bool {
    let text = String::from_utf8_lossy(out);
    let stty = text.rsplit("STTY-AFTER").next().unwrap_or("");
    let words: Vec<&str> = stty.split_whitespace().collect();
    words.contains(&"icanon") && words.contains(&"echo")
}

#[test]
fn a_panic_on_a_worker_thread_ends_the_view_with_its_message() {
    if !have_script() {
        return;
    }
    let pty = Pty::spawn(
        &spoolscope_cmd(&["demo"]),
        &[("SPOOLSCOPE_TEST_UI_FAULT", "worker-panic")],
    );
    let out = pty.finish(WAIT_LIMIT);
    let text = String::from_utf8_lossy(&out);
    let msg = find(&out, b"internal error in a background read")
        .unwrap_or_else(|| panic!("no message: {text:?}"));
    assert!(
        text.contains("test fault in the scan thread"),
        "the panic's own words: {text:?}"
    );
    let last = rfind(&out, ENTER_ALT).expect("entered");
    let left = last + find(&out[last..], LEAVE_ALT).expect("left the alternate screen");
    assert!(msg > left, "the message was printed on the view: {text:?}");
    assert!(cooked(&out), "{text:?}");
}

#[test]
fn a_terminal_reporting_an_absurd_size_is_refused_and_left_as_it_was() {
    if !have_script() {
        return;
    }
    let inner = format!(
        "stty rows 65535 cols 65535; exec {}",
        spoolscope_cmd(&["demo"])
    );
    let pty = Pty::spawn(&format!("sh -c {}", sh_quote(&inner)), &[]);
    let out = pty.finish(WAIT_LIMIT);
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("terminal too large"), "{text:?}");
    assert!(!text.contains("memory allocation"), "{text:?}");
    assert!(find(&out, ENTER_ALT).is_none(), "{text:?}");
    assert!(cooked(&out), "{text:?}");
}

/// Suspended with Ctrl-Z, then `kill %1` at the shell (SIGTERM, then SIGCONT from the
/// background): the view ends without taking the terminal from the shell. It used to take the
/// terminal back from the background, got SIGTTOU and sat "Stopped (tty output)" until someone
/// typed `fg` (review wild9a d05).
#[test]
fn a_suspended_view_killed_from_the_shell_ends_without_fg() {
    if !have_script() {
        return;
    }
    let script = format!(
        "set -m; {}; echo STOPPED-AND-BACK-IN-THE-SHELL; p=$(jobs -p %1); kill %1; \
         for i in $(seq 100); do kill -0 $p 2>/dev/null || break; sleep 0.1; done; \
         if kill -0 $p 2>/dev/null; then echo THE-VIEW-IS-STILL-THERE; jobs -l; kill -9 $p; \
         else echo THE-VIEW-IS-GONE; fi",
        spoolscope_cmd(&["demo"])
    );
    let mut pty = Pty::spawn(&format!("bash -c {}", sh_quote(&script)), &[]);
    pty.wait_for_frame();
    let mark = pty.send(b"\x1a");
    pty.wait_text(mark, "STOPPED-AND-BACK-IN-THE-SHELL");
    let back = find(&pty.seen[mark..], b"STOPPED-AND-BACK").expect("seen") + mark;
    // (Waited for before the pty's input is closed: an end of input pending on the terminal
    // would have a view in the background read it and stop for that instead.)
    pty.wait_from(back, WAIT_LIMIT, "the shell's verdict", |s| {
        find(s, b"THE-VIEW-IS-").is_some()
    });
    let out = pty.finish(WAIT_LIMIT);
    let text = visible(&out[back..]);
    assert!(text.contains("THE-VIEW-IS-GONE"), "{text:?}");
    assert!(
        find(&out[back..], ENTER_ALT).is_none(),
        "the view took the terminal from the shell: {text:?}"
    );
}
