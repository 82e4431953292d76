//! Bounds on what one payload may hold. The defaults match what the time-series store accepts
//! (`shangyun-tsdb`: keys ≤ 256 bytes, text ≤ 64 KiB, ≤ 10,000 points per batch), so that a
//! payload the decoder accepts is never refused later for its size.

/// Bounds checked while decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest payload in bytes (checked before parsing).
    pub max_payload_bytes: usize,
    /// Most values (telemetry points or attributes) in one payload, all devices together.
    pub max_values: usize,
    /// Longest key in bytes (telemetry key, attribute name, device name).
    pub max_key_len: usize,
    /// Longest text value, and longest JSON value once written compactly, in bytes.
    pub max_text_bytes: usize,
    /// Deepest nesting of a JSON value (an object or array value counts 1, one inside it 2).
    pub max_depth: usize,
    /// Most devices in one gateway payload.
    pub max_devices: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_payload_bytes: 1024 * 1024,
            max_values: 10_000,
            max_key_len: 256,
            max_text_bytes: 64 * 1024,
            max_depth: 16,
            max_devices: 1_000,
        }
    }
}
