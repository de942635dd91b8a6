#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakhunt::fuzzing::tstamp_format(data));
