//! tstamp (see `leakhunt::app::tstamp`).
fn main() -> std::process::ExitCode {
    leakhunt::app::tstamp::main()
}
