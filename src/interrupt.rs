//! What Ctrl-C (SIGINT), SIGTERM or SIGHUP must undo before the process
//! ends: the temporary file of an `-o FILE` being written (a 50 MB `.tmp`
//! was left behind) and the process groups of running command plugins (in
//! a group of their own, they no longer get the terminal's Ctrl-C).
//!
//! A signal handler may only call async-signal-safe functions, and may take
//! no lock: so what is registered sits in fixed slots of atomics, a path as
//! a C string the handler passes to `unlink`, a group as the id it passes to
//! `kill`. The handler then puts back the default action and raises the
//! signal again, so that the process ends as killed by it (a shell's `$?`
//! of 130 for Ctrl-C), as it did before.
//!
//! The handler is installed the first time something is registered, and not
//! over a signal that was ignored when kpiscope started (`nohup`, a
//! background job in a script). `watch` blocks these signals and takes them
//! itself (commands/watch/signals.rs), ending between two runs: there this
//! handler never runs, and nothing is left to undo.

use std::path::Path;

#[cfg(unix)]
mod imp {
    use std::ffi::{CString, c_char};
    use std::sync::Once;
    use std::sync::atomic::{AtomicI32, AtomicPtr, Ordering};

    /// Outputs written at once: one per command; a few to spare.
    const PATHS: usize = 8;
    /// Command plugins running at once.
    const GROUPS: usize = 64;

    static PATH_SLOTS: [AtomicPtr<c_char>; PATHS] =
        [const { AtomicPtr::new(std::ptr::null_mut()) }; PATHS];
    static GROUP_SLOTS: [AtomicI32; GROUPS] = [const { AtomicI32::new(0) }; GROUPS];
    static INSTALL: Once = Once::new();

    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    fn install() {
        INSTALL.call_once(|| {
            for signal in SIGNALS {
                // SAFETY: the handler only calls async-signal-safe functions
                // (unlink, kill, signal, raise) and reads atomics.
                unsafe {
                    let old = libc::signal(signal, on_signal as *const () as libc::sighandler_t);
                    if old == libc::SIG_IGN {
                        libc::signal(signal, libc::SIG_IGN);
                    }
                }
            }
        });
    }

    extern "C" fn on_signal(signal: libc::c_int) {
        for slot in &PATH_SLOTS {
            let p = slot.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: a registered path is a valid C string that is never
                // freed while registered (see `remove_path`).
                unsafe { libc::unlink(p) };
            }
        }
        for slot in &GROUP_SLOTS {
            let g = slot.swap(0, Ordering::SeqCst);
            if g > 0 {
                // SAFETY: kill only sends a signal.
                unsafe { libc::kill(-g, libc::SIGKILL) };
            }
        }
        // SAFETY: back to the default action, then the signal again: it is
        // delivered when the handler returns, and ends the process.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }

    /// A slot for `path`, or `None` when all are taken (then an interrupt
    /// leaves the file, as before).
    pub fn add_path(path: CString) -> Option<usize> {
        install();
        let raw = path.into_raw();
        for (i, slot) in PATH_SLOTS.iter().enumerate() {
            if slot
                .compare_exchange(
                    std::ptr::null_mut(),
                    raw,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                )
                .is_ok()
            {
                return Some(i);
            }
        }
        // SAFETY: `raw` came from into_raw just above and was never shared.
        drop(unsafe { CString::from_raw(raw) });
        None
    }

    pub fn remove_path(slot: usize) {
        let p = PATH_SLOTS[slot].swap(std::ptr::null_mut(), Ordering::SeqCst);
        // Not freed: a handler that took the pointer just before the swap may
        // still be reading it. A path's few bytes per written output are the
        // price of never reading freed memory in a signal handler.
        let _ = p;
    }

    pub fn add_group(group: i32) -> Option<usize> {
        install();
        GROUP_SLOTS.iter().position(|slot| {
            slot.compare_exchange(0, group, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        })
    }

    pub fn remove_group(slot: usize) {
        GROUP_SLOTS[slot].store(0, Ordering::SeqCst);
    }
}

/// A temporary file removed if the process is interrupted while this lives.
pub struct TempGuard(#[cfg(unix)] Option<usize>);

impl TempGuard {
    pub fn new(path: &Path) -> TempGuard {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let slot = std::ffi::CString::new(path.as_os_str().as_bytes())
                .ok()
                .and_then(imp::add_path);
            TempGuard(slot)
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            TempGuard()
        }
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(slot) = self.0 {
            imp::remove_path(slot);
        }
    }
}

/// A command plugin's process group, killed if the process is interrupted
/// while this lives.
pub struct GroupGuard(#[cfg(unix)] Option<usize>);

impl GroupGuard {
    pub fn new(group: u32) -> GroupGuard {
        #[cfg(unix)]
        {
            GroupGuard(i32::try_from(group).ok().and_then(imp::add_group))
        }
        #[cfg(not(unix))]
        {
            let _ = group;
            GroupGuard()
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(slot) = self.0 {
            imp::remove_group(slot);
        }
    }
}

/// Whether `child` has exited, leaving it unreaped (a zombie) so that its
/// process group keeps its id until the group is killed: a plugin's or a
/// browser's helpers may outlive it, and a reaped child's group id may be
/// another's by then.
#[cfg(unix)]
pub fn exited_unreaped(child: &mut std::process::Child) -> std::io::Result<bool> {
    // SAFETY: `info` is zeroed, which waitid with WNOHANG leaves as it is
    // when nothing has exited; it only writes into it.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let rc = libc::waitid(
            libc::P_PID,
            child.id() as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(info.si_pid() != 0)
    }
}

/// Whether `child` has exited (reaped: no process groups here).
#[cfg(not(unix))]
pub fn exited_unreaped(child: &mut std::process::Child) -> std::io::Result<bool> {
    child.try_wait().map(|s| s.is_some())
}
