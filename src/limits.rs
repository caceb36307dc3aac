//! Every limit kpiscope holds a run to, in one place: what a hostile or
//! broken input can cost is bounded here, and a person who needs more finds
//! the number to raise (and, where it says so, the `[limits]` key of
//! `kpiscope.toml` that raises it).

// ---------------------------------------------------------------------------
// Files, sources and commands: what reading the workspace may cost.
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Scripts (KPIs and map.rhai) and aggregation: what evaluating may cost.
// ---------------------------------------------------------------------------
