//! `include_dir!` embeds scripts/ (the standard KPI library and its tests),
//! plugins/ (the built-in plugins) and locales/ (the report's languages) at
//! compile time, which cargo does not track: these lines make a change
//! there rebuild the binary.

fn main() {
    println!("cargo:rerun-if-changed=scripts");
    println!("cargo:rerun-if-changed=plugins");
    println!("cargo:rerun-if-changed=locales");
}
