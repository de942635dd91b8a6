#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leakhunt::fuzzing::tsplot_pipeline(data));
