#![no_main]
// cargo fuzz's target for `leakhunt::fuzzing::proc_tables`, whose doc says what it asks.
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakhunt::fuzzing::proc_tables(data));
