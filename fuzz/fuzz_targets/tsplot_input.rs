#![no_main]
// cargo fuzz's target for `leakhunt::fuzzing::tsplot_input`, whose doc says what it asks.
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakhunt::fuzzing::tsplot_input(data));
