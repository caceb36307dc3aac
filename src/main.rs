fn main() -> std::process::ExitCode {
    kpiscope::main()
}
