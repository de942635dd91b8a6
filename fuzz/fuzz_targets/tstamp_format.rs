#![no_main]
// cargo fuzz's target for `leakhunt::fuzzing::tstamp_format`, whose doc says what it asks.
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakhunt::fuzzing::tstamp_format(data));
