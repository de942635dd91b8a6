use leakhunt::error::{main_with, Error, Status};
use std::process::ExitCode;

fn main() -> ExitCode {
    main_with("tsplot", || -> Result<Status, Error> {
        Err(Error::failure("not built yet"))
    })
}
