#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| serialkit_fuzz::check_partial(data));
