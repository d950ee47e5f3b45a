//! Whether a stopped live view would have a shell to continue it (Linux).
//!
//! The view catches SIGTSTP (a `kill -TSTP`, a session tool) so that it can give the terminal
//! back before it stops, as it does for the Ctrl-Z key. A caught signal is delivered even where
//! the kernel would have discarded its default action: in an *orphaned* process group (POSIX),
//! one that no shell with job control watches (`sh -c`, some `ssh host cmd` sessions). There a
//! stop would be for good. So the view stops itself (SIGSTOP) only when its group is not
//! orphaned, by the kernel's own rule: some member of the group has a parent in the same session
//! but in another group (the shell). The facts come from `/proc/<pid>/stat`; when they cannot be
//! read the answer is "no" (coming straight back is the safe side of a stop for good).

use std::path::Path;

/// The fields of `/proc/<pid>/stat` the rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub pid: i64,
    pub ppid: i64,
    pub pgrp: i64,
    pub session: i64,
}

/// Read one `/proc/<pid>/stat` line: `pid (comm) state ppid pgrp session …`. The command name
/// may hold spaces and parentheses, so the fields are counted after its last `)`.
pub fn parse_stat(line: &str) -> Option<Stat> {
    let (head, rest) = line.rsplit_once(')')?;
    let pid = head.split_once(" (")?.0.trim().parse().ok()?;
    let mut f = rest.split_ascii_whitespace().skip(1); // the state letter
    let mut num = || f.next()?.parse::<i64>().ok();
    Some(Stat {
        pid,
        ppid: num()?,
        pgrp: num()?,
        session: num()?,
    })
}

/// The kernel's rule: `me`'s process group is watched by a shell with job control when one of
/// its `processes` (all of them; those of other groups are passed over) has a parent in the
/// same session and another group.
pub fn has_job_control(me: Stat, processes: &[Stat]) -> bool {
    let find = |pid: i64| processes.iter().find(|p| p.pid == pid);
    processes.iter().filter(|p| p.pgrp == me.pgrp).any(|m| {
        find(m.ppid).is_some_and(|parent| parent.session == me.session && parent.pgrp != me.pgrp)
    })
}

fn read_stat(path: &Path) -> Option<Stat> {
    parse_stat(&std::fs::read_to_string(path).ok()?)
}

/// Whether this process's group has a shell to continue it after a stop (see the module).
pub fn here() -> bool {
    let Some(me) = read_stat(Path::new("/proc/self/stat")) else {
        return false;
    };
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return false;
    };
    let processes: Vec<Stat> = dir
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|e| read_stat(&e.path().join("stat")))
        .collect();
    has_job_control(me, &processes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(pid: i64, ppid: i64, pgrp: i64, session: i64) -> Stat {
        Stat {
            pid,
            ppid,
            pgrp,
            session,
        }
    }

    #[test]
    fn a_stat_line_is_read_past_a_command_name_with_spaces_and_parentheses() {
        let line = "4242 (spool (scope) x) S 4000 4242 3900 34816 4242 4194560 0 0";
        assert_eq!(parse_stat(line), Some(st(4242, 4000, 4242, 3900)));
        assert_eq!(parse_stat("1 (init) S 0 1 1 0"), Some(st(1, 0, 1, 1)));
        assert_eq!(parse_stat("4242 (x) S 4000"), None, "fields missing");
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn a_group_is_watched_when_a_member_has_a_parent_in_the_session_and_another_group() {
        // An interactive shell (group 100) started the view as its own job (group 200).
        let shell = st(100, 50, 100, 100);
        let view = st(200, 100, 200, 100);
        assert!(has_job_control(view, &[shell, view]));
        // The view under a script run by that shell: the script is the member whose parent is
        // the shell.
        let script = st(210, 100, 210, 100);
        let viewed = st(211, 210, 210, 100);
        assert!(has_job_control(viewed, &[shell, script, viewed]));
    }

    #[test]
    fn a_group_is_orphaned_when_no_member_has_such_a_parent() {
        // `sh -c view` as a session leader's child in the same group (no job control), or a
        // parent in another session (sshd), or a parent that is gone (reparented to init).
        let sh = st(300, 1, 300, 300);
        let view = st(301, 300, 300, 300);
        let init = st(1, 0, 1, 1);
        assert!(!has_job_control(view, &[init, sh, view]));
        let sshd = st(400, 1, 400, 400);
        let view2 = st(401, 400, 401, 401);
        assert!(!has_job_control(view2, &[init, sshd, view2]));
        // A parent that cannot be read counts for nothing.
        let lone = st(500, 499, 500, 100);
        assert!(!has_job_control(lone, &[lone]));
    }

    #[test]
    fn this_test_process_reads_its_own_facts() {
        let me = read_stat(Path::new("/proc/self/stat")).expect("Linux has /proc/self/stat");
        assert_eq!(me.pid, i64::from(std::process::id()));
    }
}
