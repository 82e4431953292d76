//! Bit streams, least significant bit first.

/// Writes bits into bytes.
#[derive(Debug, Default)]
pub struct BitWriter {
    out: Vec<u8>,
    acc: u128,
    n: u32,
}

impl BitWriter {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the low `width` bits of `v` (`width <= 64`).
    pub fn write(&mut self, v: u64, width: u32) {
        if width == 0 {
            return;
        }
        let v = if width >= 64 {
            v
        } else {
            v & ((1u64 << width) - 1)
        };
        self.acc |= u128::from(v) << self.n;
        self.n += width;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// The bytes, the last one zero-padded.
    pub fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// Reads bits from untrusted bytes.
#[derive(Debug)]
pub struct BitReader<'a> {
    buf: &'a [u8],
    pos: usize,
    acc: u128,
    n: u32,
}

impl<'a> BitReader<'a> {
    /// Reads from the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self {
            buf,
            pos: 0,
            acc: 0,
            n: 0,
        }
    }

    /// The next `width` bits (`width <= 64`), or `None` past the end.
    pub fn read(&mut self, width: u32) -> Option<u64> {
        if width == 0 {
            return Some(0);
        }
        if width > 64 {
            return None;
        }
        while self.n < width {
            let b = *self.buf.get(self.pos)?;
            self.pos += 1;
            self.acc |= u128::from(b) << self.n;
            self.n += 8;
        }
        let v = (self.acc & ((1u128 << width) - 1)) as u64;
        self.acc >>= width;
        self.n -= width;
        Some(v)
    }

    /// One bit.
    pub fn bit(&mut self) -> Option<bool> {
        self.read(1).map(|b| b == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_widths_round_trip() {
        let items = [
            (1u64, 1u32),
            (0, 0),
            (u64::MAX, 64),
            (5, 3),
            (0x1234, 13),
            (1, 64),
        ];
        let mut w = BitWriter::new();
        for (v, width) in items {
            w.write(v, width);
        }
        let bytes = w.finish();
        let mut r = BitReader::new(&bytes);
        for (v, width) in items {
            let mask = if width == 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            assert_eq!(r.read(width), Some(v & mask));
        }
        assert_eq!(r.read(64), None);
    }
}
