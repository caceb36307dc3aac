//! `include_dir!` embeds scripts/ (the standard KPI library and its tests)
//! and plugins/ (the built-in plugins) at compile time, which cargo does not
//! track: these lines make a change there rebuild the binary.

fn main() {
    println!("cargo:rerun-if-changed=scripts");
    println!("cargo:rerun-if-changed=plugins");
}
