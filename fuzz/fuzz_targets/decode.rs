#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| serialkit_fuzz::decode(data));
