//! The sandbox every script runs in, KPI scripts and `map.rhai` alike: no
//! modules, no `eval`, no `sleep`, and per call bounded operations, wall
//! clock and memory (see `crate::limits`). Rhai reads the clock only between
//! operations, so nothing that blocks inside one operation may be callable.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rhai::{AST, ASTNode, Dynamic, Engine, EvalAltResult, Position, Stmt};

use crate::limits::{self, Limits};

/// Counts what each thread allocates and frees, so that a script call's
/// memory can be told from the thread's net allocations since it began:
/// rhai's own size limits are per value and miss some (a map's keys), and
/// only the allocator sees every byte.
struct Counting;

thread_local! {
    /// Bytes allocated minus bytes freed by this thread (negative when it
    /// frees what others allocated). A const initialiser without a
    /// destructor: safe to touch from inside the allocator.
    static NET: Cell<isize> = const { Cell::new(0) };
    /// The script call running on this thread, if any.
    static CALL: Cell<Option<Call>> = const { Cell::new(None) };
}

#[inline]
fn count(delta: isize) {
    // `try_with`: a thread being torn down has no counter, and needs none.
    let _ = NET.try_with(|n| n.set(n.get().wrapping_add(delta)));
}

// SAFETY: every method forwards to `System` unchanged; counting has no effect
// on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes this thread holds, allocated and not freed, since it started.
fn net_allocated() -> isize {
    NET.try_with(Cell::get).unwrap_or(0)
}

#[derive(Debug, Clone, Copy)]
struct Call {
    started: Instant,
    /// [`net_allocated`] when the call began.
    memory: isize,
}

/// One script call on this thread: its clock and memory count from here
/// until the guard is dropped.
pub struct CallGuard {
    outer: Option<Call>,
}

/// Starts the clock and the memory count of a script call. A call started
/// inside another (none does today) counts from the outer one's start.
pub fn begin_call() -> CallGuard {
    let outer = CALL.get();
    if outer.is_none() {
        CALL.set(Some(Call {
            started: Instant::now(),
            memory: net_allocated(),
        }));
    }
    CallGuard { outer }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        CALL.set(self.outer);
    }
}

/// Why a script was stopped, carried in rhai's `ErrorTerminated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The call ran longer than [`Limits::script_time`].
    Time(Duration),
    /// The engine's calls together ran longer than [`Limits::script_run_time`].
    RunTime(Duration),
    /// The call held more than [`Limits::script_memory`] bytes.
    Memory(usize),
}

impl Stop {
    /// The reason a script stopped, from rhai's error, if a limit stopped it.
    pub fn of(e: &EvalAltResult) -> Option<Stop> {
        match e {
            EvalAltResult::ErrorTerminated(token, _) => token.clone().try_cast::<Stop>(),
            EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => Stop::of(inner),
            _ => None,
        }
    }

    /// What the stop means: the limit passed, and the key that raises it.
    pub fn describe(&self) -> String {
        match self {
            Stop::Time(t) => format!(
                "ran longer than {}, the limit of one call (`[limits] script_seconds` in kpiscope.toml)",
                seconds(*t)
            ),
            Stop::RunTime(t) => format!(
                "ran past {} of scripts, the limit of one run (`[limits] script_run_seconds` in kpiscope.toml)",
                seconds(*t)
            ),
            Stop::Memory(m) => format!(
                "held more than {} of data, the limit of one call (`[limits] script_mb` in kpiscope.toml)",
                limits::show_bytes(*m)
            ),
        }
    }
}

fn seconds(t: Duration) -> String {
    format!("{} s", t.as_secs_f64())
}

/// Lines printed by `print()` and `debug()` in this process, shown or not.
static PRINTED: AtomicUsize = AtomicUsize::new(0);

/// `print()` and `debug()`: the first [`limits::SCRIPT_PRINT_LINES`] lines
/// to stderr, each cut to [`limits::SCRIPT_PRINT_CHARS`] characters; the
/// rest only counted, for [`take_unprinted`].
fn script_print(text: &str) {
    if PRINTED.fetch_add(1, Ordering::Relaxed) >= limits::SCRIPT_PRINT_LINES {
        return;
    }
    say!("script: {}", cut(text, limits::SCRIPT_PRINT_CHARS));
}

/// `text` cut to `max` characters, saying how many were left out.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((at, _)) => format!(
            "{}… ({} more characters)",
            &text[..at],
            text[at..].chars().count()
        ),
    }
}

/// How many printed lines were not shown since the last call, and starts
/// counting again: a run says so once at its end.
pub fn take_unprinted() -> usize {
    PRINTED
        .swap(0, Ordering::Relaxed)
        .saturating_sub(limits::SCRIPT_PRINT_LINES)
}

/// The message of a script function that is not available in the sandbox.
fn unavailable(name: &str, why: &str) -> Box<EvalAltResult> {
    format!("`{name}()` is not available in kpiscope scripts: {why}").into()
}

/// An engine with the sandbox's limits. The run clock
/// ([`Limits::script_run_time`]) starts now: build one engine per run of
/// calls (one view's evaluation, one `map.rhai` file).
pub fn sandboxed_engine(limits: &Limits) -> Engine {
    let mut e = Engine::new();
    e.set_max_operations(limits.script_operations)
        .set_max_call_levels(limits::SCRIPT_CALL_DEPTH)
        .set_max_expr_depths(limits::SCRIPT_EXPR_DEPTH.0, limits::SCRIPT_EXPR_DEPTH.1)
        .set_max_string_size(limits::SCRIPT_STRING_BYTES)
        .set_max_array_size(limits::SCRIPT_ARRAY_ITEMS)
        .set_max_map_size(limits::SCRIPT_MAP_ITEMS)
        .set_max_variables(limits::SCRIPT_VARIABLES)
        .set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new())
        .disable_symbol("eval")
        .on_print(script_print)
        .on_debug(|s, _, _| script_print(s));
    // Rhai's `sleep` blocks inside one operation, where the clock is not
    // read: registered functions win over rhai's packages, so these replace it.
    const NO_WAIT: &str = "a script computes, it does not wait";
    e.register_fn("sleep", |_: rhai::INT| -> Result<(), Box<EvalAltResult>> {
        Err(unavailable("sleep", NO_WAIT))
    });
    e.register_fn(
        "sleep",
        |_: rhai::FLOAT| -> Result<(), Box<EvalAltResult>> { Err(unavailable("sleep", NO_WAIT)) },
    );
    let run_started = Instant::now();
    let limits = *limits;
    e.on_progress(move |ops| {
        // The clock costs tens of nanoseconds: read it every 256 operations,
        // a few microseconds apart.
        if ops % 256 != 0 {
            return None;
        }
        let call = CALL.get()?;
        let stop = if call.started.elapsed() > limits.script_time {
            Stop::Time(limits.script_time)
        } else if run_started.elapsed() > limits.script_run_time {
            Stop::RunTime(limits.script_run_time)
        } else if net_allocated().saturating_sub(call.memory) > limits.script_memory as isize {
            Stop::Memory(limits.script_memory)
        } else {
            return None;
        };
        Some(Dynamic::from(stop))
    });
    e
}

/// A script too large to parse in reasonable time, as a message naming its
/// size and the limit (for a diagnostic naming the file); `None` when
/// `text` is within it.
pub fn too_large(text: &str, limits: &Limits) -> Option<String> {
    too_many_bytes(text.len() as u64, limits)
}

/// [`too_large`] from a file's size, before it is read.
pub fn too_many_bytes(len: u64, limits: &Limits) -> Option<String> {
    (len > limits.script_bytes as u64).then(|| {
        format!(
            "the script is {}: a script may be at most {} (`[limits] script_kb` in kpiscope.toml raises it)",
            limits::show_bytes(usize::try_from(len).unwrap_or(usize::MAX)),
            limits::show_bytes(limits.script_bytes)
        )
    })
}

/// The first statement a script may not hold, with the reason: `import` and
/// `export` (scripts have no modules; the top level is never run, so an
/// import there was silently ignored).
pub fn forbidden_statement(ast: &AST) -> Option<(Position, String)> {
    let mut found = None;
    ast.walk(&mut |path: &[ASTNode]| {
        let why = match path.last() {
            Some(ASTNode::Stmt(Stmt::Import(..))) => {
                "`import` is not available: kpiscope scripts have no modules; every function of every script of the folder can call every other"
            }
            Some(ASTNode::Stmt(Stmt::Export(..))) => {
                "`export` is not available: kpiscope scripts have no modules; every function of every script of the folder can call every other"
            }
            _ => return true,
        };
        if let Some(ASTNode::Stmt(s)) = path.last() {
            found = Some((s.position(), why.to_string()));
        }
        false
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine_with(limits: Limits) -> Engine {
        sandboxed_engine(&limits)
    }

    fn run(engine: &Engine, script: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        let _call = begin_call();
        engine.eval::<Dynamic>(script)
    }

    #[test]
    fn sleep_is_not_available() {
        let e = engine_with(Limits::default());
        let started = Instant::now();
        for script in ["sleep(5); 1", "sleep(5.0); 1"] {
            let err = run(&e, script).unwrap_err();
            assert!(
                err.to_string().contains("`sleep()` is not available"),
                "{err}"
            );
        }
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn the_clock_holds_in_a_loop() {
        let limits = Limits {
            script_time: Duration::from_millis(50),
            script_operations: u64::MAX,
            ..Limits::default()
        };
        let e = engine_with(limits);
        let started = Instant::now();
        let err = run(&e, "let x = 0; loop { x += 1; }").unwrap_err();
        assert_eq!(Stop::of(&err), Some(Stop::Time(Duration::from_millis(50))));
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn the_run_clock_holds_across_calls() {
        let limits = Limits {
            script_run_time: Duration::from_millis(30),
            ..Limits::default()
        };
        let e = engine_with(limits);
        std::thread::sleep(Duration::from_millis(40));
        let err = run(&e, "let x = 0; for i in 0..10000 { x += i; } x").unwrap_err();
        assert_eq!(
            Stop::of(&err),
            Some(Stop::RunTime(Duration::from_millis(30)))
        );
    }

    #[test]
    fn map_keys_count_towards_memory() {
        // Rhai counts a map's values against its limits, not its keys.
        let limits = Limits {
            script_memory: 8 * 1024 * 1024,
            ..Limits::default()
        };
        let e = engine_with(limits);
        let script = r#"
            let s = "x"; s.pad(60000, "y");
            let m = #{};
            for i in 0..9000 { m[s + i] = 1; }
            m.len()
        "#;
        let err = run(&e, script).unwrap_err();
        assert_eq!(Stop::of(&err), Some(Stop::Memory(8 * 1024 * 1024)));
    }

    #[test]
    fn print_is_capped_and_cut() {
        assert_eq!(cut("abcdef", 3), "abc… (3 more characters)");
        assert_eq!(cut("ab", 3), "ab");
        assert_eq!(cut("éééé", 2), "éé… (2 more characters)");
    }

    #[test]
    fn import_is_found_at_the_top_and_in_functions() {
        let e = engine_with(Limits::default());
        for script in [
            "import \"x\" as x;\nfn a() { 1 }",
            "fn a() {\n  import \"x\" as x;\n  1\n}",
        ] {
            let ast = e.compile(script).expect("compiles");
            let (pos, why) = forbidden_statement(&ast).expect("found");
            assert!(why.contains("`import` is not available"), "{why}");
            assert!(pos.line().is_some());
        }
        let ast = e.compile("fn a() { 1 }").expect("compiles");
        assert_eq!(forbidden_statement(&ast), None);
    }

    #[test]
    fn size_is_capped_with_the_file_and_the_limit() {
        let limits = Limits {
            script_bytes: 1024,
            ..Limits::default()
        };
        assert_eq!(too_large("fn a() { 1 }", &limits), None);
        let big = "x".repeat(2500);
        assert_eq!(
            too_large(&big, &limits).as_deref(),
            Some(
                "the script is 2.4 KB: a script may be at most 1 KB (`[limits] script_kb` in kpiscope.toml raises it)"
            )
        );
    }
}
