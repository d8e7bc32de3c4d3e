//! Fuzzes the inventory loader: any bytes give an inventory or a typed
//! error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = ["configs/r1.cfg".to_string(), "configs/fw1.conf".to_string()];
    if let Ok(text) = henko::inventory::decode(data, "inventory.yaml") {
        let _ = henko::inventory::parse(text, "inventory.yaml", &files);
    }
});
