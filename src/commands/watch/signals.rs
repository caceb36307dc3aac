//! Ctrl-C (SIGINT) and SIGTERM for `watch`. They end the watch between two
//! runs, never in the middle of one, so that no output file is left behind
//! half-written (or as a stray temporary file) and the exit code is that of
//! the last finished run.
//!
//! The two signals are blocked before any thread starts (threads inherit the
//! mask), and one thread takes them with `sigwait`, which turns a signal into
//! an ordinary message: no code runs inside a signal handler. Command plugins
//! still get the signals as usual, since std gives child processes an empty
//! mask.
//!
//! A shell starts a background job (`kpiscope watch &` in a script) with
//! SIGINT ignored, and an ignored signal never reaches `sigwait`; so both
//! signals get a handler (that never runs while they are blocked) to make
//! `kill -INT` stop the watch there too.

use crate::error::{Error, Result};

/// SIGINT and SIGTERM, blocked in the calling thread and every thread it
/// starts afterwards.
#[cfg(unix)]
pub struct Blocked(libc::sigset_t);

#[cfg(unix)]
pub fn block() -> Result<Blocked> {
    // SAFETY: the set is initialised by sigemptyset before it is read, and
    // pthread_sigmask only reads it.
    unsafe {
        let mut set = std::mem::zeroed::<libc::sigset_t>();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        if rc == 0 {
            for signal in [libc::SIGINT, libc::SIGTERM] {
                libc::signal(signal, on_signal as *const () as libc::sighandler_t);
            }
        } else {
            return Err(Error::usage(format!(
                "cannot take Ctrl-C for `watch`: {}",
                std::io::Error::from_raw_os_error(rc)
            )));
        }
        Ok(Blocked(set))
    }
}

/// Starts the thread that calls `on_stop` at the first SIGINT or SIGTERM. A
/// second one while the current run finishes ends the process at once, as
/// a user pressing Ctrl-C twice expects.
#[cfg(unix)]
pub fn forward(blocked: Blocked, on_stop: impl FnOnce() + Send + 'static) {
    let set = blocked.0;
    std::thread::spawn(move || {
        let mut signal = 0;
        // SAFETY: `set` is a valid, initialised signal set; sigwait writes
        // only to `signal`.
        while unsafe { libc::sigwait(&set, &mut signal) } != 0 {}
        on_stop();
        // Back to the default action, unblocked in this thread only: the
        // next signal ends the process while the main thread finishes its run.
        // SAFETY: SIG_DFL is a valid disposition; `set` is as above and the
        // old mask is not asked for.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGTERM, libc::SIG_DFL);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
        // The thread must live on for the signal to have a thread to reach.
        loop {
            std::thread::park();
        }
    });
}

/// Never runs: the signals are blocked while it is installed. It is there
/// so that they are not ignored.
#[cfg(unix)]
extern "C" fn on_signal(_: libc::c_int) {}

/// Elsewhere Ctrl-C keeps its default action: the process ends.
#[cfg(not(unix))]
pub struct Blocked;

#[cfg(not(unix))]
pub fn block() -> Result<Blocked> {
    Ok(Blocked)
}

#[cfg(not(unix))]
pub fn forward(_blocked: Blocked, _on_stop: impl FnOnce() + Send + 'static) {}
