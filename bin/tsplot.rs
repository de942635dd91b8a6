//! tsplot (see `leakhunt::app::tsplot`).
fn main() -> std::process::ExitCode {
    leakhunt::app::tsplot::main()
}
