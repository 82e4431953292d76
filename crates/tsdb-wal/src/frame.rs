//! One WAL record on disk: `len u32 LE | crc u32 LE | seq u64 LE | payload[len]`.
//!
//! The CRC32C covers the length bytes, the sequence number and the payload, so a flipped
//! bit anywhere in a record (its length included) is caught.

/// Bytes before the payload: length, checksum, sequence number.
pub const FRAME_HEADER_LEN: usize = 16;

/// Largest payload a record may carry (16 MiB). A larger length field is corruption.
pub const MAX_PAYLOAD_LEN: usize = 16 << 20;

/// What [`decode_frame`] found at the start of a byte slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameDecode<'a> {
    /// A whole, checksum-valid record.
    Complete {
        /// The record's sequence number.
        seq: u64,
        /// The record's payload.
        payload: &'a [u8],
        /// Bytes the record occupies (header + payload).
        frame_len: usize,
    },
    /// The slice ends inside the record: a torn tail if this is the end of the log.
    Incomplete {
        /// Bytes present.
        have: usize,
        /// Bytes the record would need (header only when the length is not readable yet).
        need: usize,
    },
    /// The record is damaged.
    Corrupt(FrameError),
}

/// Why a record is damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum FrameError {
    /// The length field exceeds [`MAX_PAYLOAD_LEN`].
    #[error("record length {0} exceeds the 16 MiB limit")]
    LengthTooLarge(u32),
    /// The stored checksum does not match the bytes.
    #[error("record checksum mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    Checksum {
        /// Checksum stored in the record.
        stored: u32,
        /// Checksum of the bytes as read.
        computed: u32,
    },
}

/// Appends one framed record to `out`.
///
/// Payloads over [`MAX_PAYLOAD_LEN`] are the caller's bug; [`crate::Wal::submit`] rejects them
/// before they get here.
pub fn encode_frame(seq: u64, payload: &[u8], out: &mut Vec<u8>) {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let len_bytes = len.to_le_bytes();
    let seq_bytes = seq.to_le_bytes();
    let crc = frame_crc(&len_bytes, &seq_bytes, payload);
    out.reserve(FRAME_HEADER_LEN + payload.len());
    out.extend_from_slice(&len_bytes);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&seq_bytes);
    out.extend_from_slice(payload);
}

fn frame_crc(len: &[u8; 4], seq: &[u8; 8], payload: &[u8]) -> u32 {
    let crc = crc32c::crc32c(len);
    let crc = crc32c::crc32c_append(crc, seq);
    crc32c::crc32c_append(crc, payload)
}

/// Decodes the record at the start of `buf`. Never panics, whatever the bytes.
///
/// ```
/// use shangyun_tsdb_wal::{decode_frame, encode_frame, FrameDecode};
/// let mut buf = Vec::new();
/// encode_frame(7, b"hello", &mut buf);
/// assert!(matches!(decode_frame(&buf), FrameDecode::Complete { seq: 7, payload: b"hello", .. }));
/// assert!(matches!(decode_frame(&buf[..10]), FrameDecode::Incomplete { .. }));
/// buf[20] ^= 1;
/// assert!(matches!(decode_frame(&buf), FrameDecode::Corrupt(_)));
/// ```
pub fn decode_frame(buf: &[u8]) -> FrameDecode<'_> {
    let Some((header, rest)) = buf.split_first_chunk::<FRAME_HEADER_LEN>() else {
        return FrameDecode::Incomplete {
            have: buf.len(),
            need: FRAME_HEADER_LEN,
        };
    };
    let (len_bytes, tail) = split4(header);
    let (crc_bytes, seq_tail) = split4(tail);
    let mut seq_bytes = [0u8; 8];
    seq_bytes.copy_from_slice(seq_tail);
    let len = u32::from_le_bytes(len_bytes);
    let len_usize = len as usize;
    if len_usize > MAX_PAYLOAD_LEN {
        return FrameDecode::Corrupt(FrameError::LengthTooLarge(len));
    }
    let Some(payload) = rest.get(..len_usize) else {
        return FrameDecode::Incomplete {
            have: buf.len(),
            need: FRAME_HEADER_LEN + len_usize,
        };
    };
    let stored = u32::from_le_bytes(crc_bytes);
    let computed = frame_crc(&len_bytes, &seq_bytes, payload);
    if stored != computed {
        return FrameDecode::Corrupt(FrameError::Checksum { stored, computed });
    }
    FrameDecode::Complete {
        seq: u64::from_le_bytes(seq_bytes),
        payload,
        frame_len: FRAME_HEADER_LEN + len_usize,
    }
}

fn split4(bytes: &[u8]) -> ([u8; 4], &[u8]) {
    let mut head = [0u8; 4];
    let n = bytes.len().min(4);
    head[..n].copy_from_slice(&bytes[..n]);
    (head, bytes.get(4..).unwrap_or(&[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_truncation_is_incomplete() {
        let mut buf = Vec::new();
        encode_frame(42, b"payload bytes", &mut buf);
        for cut in 0..buf.len() {
            assert!(
                matches!(decode_frame(&buf[..cut]), FrameDecode::Incomplete { .. }),
                "cut at {cut}"
            );
        }
        assert_eq!(
            decode_frame(&buf),
            FrameDecode::Complete {
                seq: 42,
                payload: b"payload bytes",
                frame_len: buf.len()
            }
        );
    }

    #[test]
    fn every_flipped_bit_is_caught() {
        let mut buf = Vec::new();
        encode_frame(1, b"abc", &mut buf);
        for byte in 0..buf.len() {
            for bit in 0..8 {
                let mut bad = buf.clone();
                bad[byte] ^= 1 << bit;
                assert!(
                    !matches!(decode_frame(&bad), FrameDecode::Complete { .. }),
                    "flip {byte}:{bit} went unnoticed"
                );
            }
        }
    }

    #[test]
    fn huge_length_is_corrupt_not_incomplete() {
        let mut buf = vec![0xff, 0xff, 0xff, 0x7f];
        buf.extend_from_slice(&[0; 12]);
        assert_eq!(
            decode_frame(&buf),
            FrameDecode::Corrupt(FrameError::LengthTooLarge(0x7fff_ffff))
        );
    }
}
