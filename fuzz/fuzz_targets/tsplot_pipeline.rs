#![no_main]
// cargo fuzz's target for `leakhunt::fuzzing::tsplot_pipeline`, whose doc says what it asks.
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakhunt::fuzzing::tsplot_pipeline(data));
