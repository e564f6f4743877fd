//! Any bytes as a recording (`--replay FILE`): reading it never panics, and the store it
//! gives derives its figures without panicking either. The first byte picks whether the
//! rest is the file itself or the text inside its gzip (so that the JSON is explored, not
//! only the gzip checksum).
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/logtext/mod.rs"]
mod logtext;

#[allow(dead_code, unused_imports)]
#[path = "../../src/store/mod.rs"]
mod store;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(rest).unwrap();
        gz.finish().unwrap()
    };
    if let Ok((store, recorded)) = store::Store::read_recording(file.as_slice()) {
        let now = recorded.recorded_at;
        for window in [store::Window::M15, store::Window::H3, store::Window::H24] {
            let stats = store::figures::fleet_stats(&store, window, now);
            assert_eq!(stats.functions.len(), store.functions().len());
        }
        let _ = store::figures::Flow::of_fleet(&store, store::Window::H1.range(now));
    }
});
