#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakhunt::fuzzing::proc_tables(data));
