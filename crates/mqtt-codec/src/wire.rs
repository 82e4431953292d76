//! Primitive fields: a bounds-checked reader over one packet's body and the matching writers.

use crate::error::{DecodeError, EncodeError};

/// Reads fields from a packet body; every read checks the bounds.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.remaining() < n {
            return Err(DecodeError::malformed(
                "field runs past the end of the packet",
            ));
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.bytes(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn varint(&mut self) -> Result<u32, DecodeError> {
        match read_varint(&self.buf[self.pos..])? {
            Some((value, used)) => {
                self.pos += used;
                Ok(value)
            }
            None => Err(DecodeError::malformed(
                "variable byte integer runs past the end",
            )),
        }
    }

    pub fn binary(&mut self) -> Result<Vec<u8>, DecodeError> {
        let n = self.u16()? as usize;
        Ok(self.bytes(n)?.to_vec())
    }

    /// A UTF-8 string: valid UTF-8 without U+0000 (MQTT-1.5.4-1, -2).
    pub fn string(&mut self) -> Result<String, DecodeError> {
        let n = self.u16()? as usize;
        let raw = self.bytes(n)?;
        let s = std::str::from_utf8(raw)
            .map_err(|_| DecodeError::malformed("string is not valid UTF-8"))?;
        if s.contains('\0') {
            return Err(DecodeError::malformed("string contains U+0000"));
        }
        Ok(s.to_owned())
    }

    /// The rest of the body.
    pub fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.pos..];
        self.pos = self.buf.len();
        out
    }
}

/// Reads a variable byte integer at the start of `buf`: `Ok(None)` when more bytes are needed,
/// an error after a fourth continuation byte or for a non-minimal encoding is not checked (the
/// standard allows only the four-byte limit to be enforced).
pub(crate) fn read_varint(buf: &[u8]) -> Result<Option<(u32, usize)>, DecodeError> {
    let mut value: u32 = 0;
    for i in 0..4 {
        let Some(&byte) = buf.get(i) else {
            return Ok(None);
        };
        value |= u32::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
    }
    Err(DecodeError::malformed(
        "variable byte integer longer than 4 bytes",
    ))
}

/// Largest value a variable byte integer holds.
pub(crate) const VARINT_MAX: u32 = 268_435_455;

pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u32) -> Result<(), EncodeError> {
    if value > VARINT_MAX {
        return Err(EncodeError::PacketTooLarge);
    }
    loop {
        let mut byte = (value & 0x7F) as u8;
        value >>= 7;
        if value > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if value == 0 {
            return Ok(());
        }
    }
}

pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

pub(crate) fn put_binary(out: &mut Vec<u8>, b: &[u8]) -> Result<(), EncodeError> {
    let n = u16::try_from(b.len()).map_err(|_| EncodeError::FieldTooLong)?;
    put_u16(out, n);
    out.extend_from_slice(b);
    Ok(())
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) -> Result<(), EncodeError> {
    put_binary(out, s.as_bytes())
}
