//! fdeflate 0.3.7's fast compressor (`fdeflate::Compressor`, the one png 0.17 uses for
//! `Compression::Fast`), copied so that [`super::png_rgb`] can say what it already knows: a
//! filtered row that is all zeros (a row equal to the row above) is written as the run the
//! crate would find, without scanning it, and inside other rows a zero run skips 32 bytes a step
//! instead of 8. The bit stream is the crate's to the byte (same fixed Huffman table, same
//! 8-byte chunking from the start of each call, a run ending at the end of each call); unit
//! tests compare the two on many inputs. fdeflate is MIT OR Apache-2.0, as this crate is; the
//! tables below are its `src/tables.rs`.

use simd_adler32::Adler32;

const HUFFMAN_LENGTHS: [u8; 286] = [
    2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 10, 11, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 9, 9, 9, 9, 8, 9,
    8, 8, 8, 8, 8, 7, 7, 7, 6, 6, 6, 5, 4, 3, 12, 12, 12, 9, 9, 11, 10, 11, 11, 10, 11, 11, 11, 11, 11, 11,
    12, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 9,
];

const LENGTH_TO_SYMBOL: [u16; 256] = [
    257, 258, 259, 260, 261, 262, 263, 264, 265, 265, 266, 266, 267, 267, 268, 268, 269, 269, 269, 269, 270,
    270, 270, 270, 271, 271, 271, 271, 272, 272, 272, 272, 273, 273, 273, 273, 273, 273, 273, 273, 274, 274,
    274, 274, 274, 274, 274, 274, 275, 275, 275, 275, 275, 275, 275, 275, 276, 276, 276, 276, 276, 276, 276,
    276, 277, 277, 277, 277, 277, 277, 277, 277, 277, 277, 277, 277, 277, 277, 277, 277, 278, 278, 278, 278,
    278, 278, 278, 278, 278, 278, 278, 278, 278, 278, 278, 278, 279, 279, 279, 279, 279, 279, 279, 279, 279,
    279, 279, 279, 279, 279, 279, 279, 280, 280, 280, 280, 280, 280, 280, 280, 280, 280, 280, 280, 280, 280,
    280, 280, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281,
    281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 281, 282, 282, 282, 282, 282, 282, 282, 282,
    282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282,
    282, 282, 282, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283,
    283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 284, 284, 284, 284, 284, 284, 284,
    284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284,
    284, 284, 284, 285,
];

const LENGTH_TO_LEN_EXTRA: [u8; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0,
];

const BITMASKS: [u32; 17] = [
    0x0000, 0x0001, 0x0003, 0x0007, 0x000F, 0x001F, 0x003F, 0x007F, 0x00FF, 0x01FF, 0x03FF, 0x07FF, 0x0FFF,
    0x1FFF, 0x3FFF, 0x7FFF, 0xFFFF,
];

/// Canonical codes of [`HUFFMAN_LENGTHS`] (fdeflate's `compute_codes`).
const fn compute_codes<const N: usize>(lengths: &[u8; N]) -> [u16; N] {
    let mut codes = [0u16; N];
    let mut code = 0u32;
    let mut len = 1;
    while len <= 16 {
        let mut i = 0;
        while i < N {
            if lengths[i] == len {
                codes[i] = (code as u16).reverse_bits() >> (16 - len);
                code += 1;
            }
            i += 1;
        }
        code <<= 1;
        len += 1;
    }
    assert!(code == 2 << 16, "HUFFMAN_LENGTHS is invalid");
    codes
}

const HUFFMAN_CODES: [u16; 286] = compute_codes(&HUFFMAN_LENGTHS);

/// Whether 32 bytes are all zero (two 16-byte loads).
#[inline(always)]
fn zero32(b: &[u8]) -> bool {
    match (<[u8; 16]>::try_from(&b[..16]), <[u8; 16]>::try_from(&b[16..32])) {
        (Ok(x), Ok(y)) => (u128::from_ne_bytes(x) | u128::from_ne_bytes(y)) == 0,
        _ => b.iter().all(|&v| v == 0),
    }
}

/// The bit buffer: `write_data` keeps a copy in locals (registers) and stores it back once.
#[derive(Clone, Copy)]
struct Bits {
    buffer: u64,
    nbits: u8,
}

impl Bits {
    #[inline(always)]
    fn write(&mut self, out: &mut Vec<u8>, bits: u64, nbits: u8) {
        self.buffer |= bits << self.nbits;
        self.nbits += nbits;
        if self.nbits >= 64 {
            out.extend_from_slice(&self.buffer.to_le_bytes());
            self.nbits -= 64;
            self.buffer = bits.checked_shr((nbits - self.nbits) as u32).unwrap_or(0);
        }
    }

    #[inline(always)]
    fn literal(&mut self, out: &mut Vec<u8>, b: u8) {
        self.write(out, HUFFMAN_CODES[b as usize] as u64, HUFFMAN_LENGTHS[b as usize]);
    }

    fn run(&mut self, out: &mut Vec<u8>, mut run: u32) {
        self.write(out, HUFFMAN_CODES[0] as u64, HUFFMAN_LENGTHS[0]);
        run -= 1;
        while run >= 258 {
            self.write(out, HUFFMAN_CODES[285] as u64, HUFFMAN_LENGTHS[285] + 1);
            run -= 258;
        }
        if run > 4 {
            let sym = LENGTH_TO_SYMBOL[run as usize - 3] as usize;
            self.write(out, HUFFMAN_CODES[sym] as u64, HUFFMAN_LENGTHS[sym]);
            let len_extra = LENGTH_TO_LEN_EXTRA[run as usize - 3];
            let extra = ((run - 3) & BITMASKS[len_extra as usize]) as u64;
            self.write(out, extra, len_extra + 1);
        } else {
            self.write(out, 0, run as u8 * HUFFMAN_LENGTHS[0]);
        }
    }
}

/// The zlib stream fdeflate's `Compressor` writes, appended to a `Vec`.
pub(super) struct Fast {
    checksum: Adler32,
    bits: Bits,
    out: Vec<u8>,
}

impl Fast {
    /// Starts the stream (zlib header and the fixed block header) at the end of `out`.
    pub(super) fn new(out: Vec<u8>) -> Self {
        const HEADER: [u8; 54] = [
            120, 1, 237, 192, 3, 160, 36, 89, 150, 198, 241, 255, 119, 238, 141, 200, 204, 167, 114, 75, 99,
            174, 109, 219, 182, 109, 219, 182, 109, 219, 182, 109, 105, 140, 158, 150, 74, 175, 158, 50, 51,
            34, 238, 249, 118, 183, 106, 122, 166, 135, 59, 107, 213, 15,
        ];
        let mut c = Fast { checksum: Adler32::new(), bits: Bits { buffer: 0, nbits: 0 }, out };
        c.out.extend_from_slice(&HEADER[..53]);
        c.bits.write(&mut c.out, HEADER[53] as u64, 5);
        c
    }

    /// `Compressor::write_data`: the same symbols; a zero run is extended 32 bytes a step.
    pub(super) fn write_data(&mut self, data: &[u8]) {
        self.checksum.write(data);
        let mut bw = self.bits;
        let out = &mut self.out;
        let n = data.len() / 8;
        let mut run = 0u32;
        let mut i = 0;
        while i < n {
            let chunk = &data[i * 8..i * 8 + 8];
            let ichunk = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([1; 8]));
            i += 1;
            if ichunk == 0 {
                run += 8;
                // Whole zero blocks of 32 bytes ahead join the run (the crate adds 8 at a time).
                while i + 4 <= n && zero32(&data[i * 8..i * 8 + 32]) {
                    run += 32;
                    i += 4;
                }
                continue;
            } else if run > 0 {
                let run_extra = ichunk.trailing_zeros() / 8;
                bw.run(out, run + run_extra);
                run = 0;
                if run_extra > 0 {
                    run = ichunk.leading_zeros() / 8;
                    for &b in &chunk[run_extra as usize..8 - run as usize] {
                        bw.literal(out, b);
                    }
                    continue;
                }
            }
            let run_start = ichunk.leading_zeros() / 8;
            if run_start > 0 {
                for &b in &chunk[..8 - run_start as usize] {
                    bw.literal(out, b);
                }
                run = run_start;
                continue;
            }
            let c = |k: usize| chunk[k] as usize;
            let (n0, n1, n2, n3) =
                (HUFFMAN_LENGTHS[c(0)], HUFFMAN_LENGTHS[c(1)], HUFFMAN_LENGTHS[c(2)], HUFFMAN_LENGTHS[c(3)]);
            let bits = HUFFMAN_CODES[c(0)] as u64
                | ((HUFFMAN_CODES[c(1)] as u64) << n0)
                | ((HUFFMAN_CODES[c(2)] as u64) << (n0 + n1))
                | ((HUFFMAN_CODES[c(3)] as u64) << (n0 + n1 + n2));
            bw.write(out, bits, n0 + n1 + n2 + n3);
            let (n4, n5, n6, n7) =
                (HUFFMAN_LENGTHS[c(4)], HUFFMAN_LENGTHS[c(5)], HUFFMAN_LENGTHS[c(6)], HUFFMAN_LENGTHS[c(7)]);
            let bits2 = HUFFMAN_CODES[c(4)] as u64
                | ((HUFFMAN_CODES[c(5)] as u64) << n4)
                | ((HUFFMAN_CODES[c(6)] as u64) << (n4 + n5))
                | ((HUFFMAN_CODES[c(7)] as u64) << (n4 + n5 + n6));
            bw.write(out, bits2, n4 + n5 + n6 + n7);
        }
        if run > 0 {
            bw.run(out, run);
        }
        for &b in &data[n * 8..] {
            bw.literal(out, b);
        }
        self.bits = bw;
    }

    /// Exactly `write_data` of `first` followed by `zeros` zero bytes, without reading them:
    /// the first 8-byte chunk gives the literal `first` (if not zero) and starts the run, the
    /// other whole chunks extend it, the bytes after the last whole chunk are zero literals.
    pub(super) fn write_zero_line(&mut self, first: u8, zeros: usize) {
        self.checksum.write(&[first]);
        // Adler-32 over `zeros` zero bytes: a is unchanged, b grows by `zeros` times a.
        let sum = self.checksum.finish();
        let (a, b) = ((sum & 0xffff) as u64, (sum >> 16) as u64);
        let b = (b + (zeros as u64 % 65521) * a) % 65521;
        self.checksum = Adler32::from_checksum(((b as u32) << 16) | a as u32);
        let out = &mut self.out;
        let bw = &mut self.bits;
        let len = zeros + 1;
        let n = len / 8;
        if n == 0 {
            bw.literal(out, first);
            for _ in 0..zeros {
                bw.literal(out, 0);
            }
            return;
        }
        let mut run = if first == 0 {
            8
        } else {
            bw.literal(out, first);
            7
        };
        run += 8 * (n as u32 - 1);
        bw.run(out, run);
        for _ in n * 8..len {
            bw.literal(out, 0);
        }
    }

    /// `Compressor::finish`: end of block, padding, Adler-32; the buffer with the stream.
    pub(super) fn finish(mut self) -> Vec<u8> {
        let (out, bw) = (&mut self.out, &mut self.bits);
        bw.write(out, HUFFMAN_CODES[256] as u64, HUFFMAN_LENGTHS[256]);
        // `Compressor::flush`: pad to a whole byte, then the buffer's whole bytes.
        if bw.nbits % 8 != 0 {
            bw.write(out, 0, 8 - bw.nbits % 8);
        }
        if bw.nbits > 0 {
            out.extend_from_slice(&bw.buffer.to_le_bytes()[..bw.nbits as usize / 8]);
        }
        let sum = self.checksum.finish();
        self.out.extend_from_slice(&sum.to_be_bytes());
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// The crate's stream of the same calls.
    fn theirs(calls: &[Vec<u8>]) -> Vec<u8> {
        let mut z = fdeflate::Compressor::new(std::io::Cursor::new(Vec::new())).unwrap();
        for c in calls {
            z.write_data(c).unwrap();
        }
        let mut v = z.finish().unwrap().into_inner();
        v.flush().unwrap();
        v
    }

    fn ours(calls: &[Vec<u8>]) -> Vec<u8> {
        let mut z = Fast::new(Vec::new());
        for c in calls {
            z.write_data(c);
        }
        z.finish()
    }

    /// Calls of many lengths with zero runs of every length and position, literals of every
    /// value, and long runs (the 258-byte steps and the 32-byte skip).
    #[test]
    fn same_stream_as_fdeflate() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for round in 0..300 {
            let mut calls = Vec::new();
            for _ in 0..(1 + rnd() % 6) {
                let len = match rnd() % 4 {
                    0 => rnd() % 20,
                    1 => rnd() % 300,
                    _ => rnd() % 5000,
                };
                let mut v = vec![0u8; len];
                let mut i = 0;
                while i < len {
                    let zeros = match rnd() % 3 {
                        0 => rnd() % 9,
                        1 => rnd() % 70,
                        _ => rnd() % 1200,
                    };
                    i += zeros;
                    let lits = 1 + rnd() % if round % 2 == 0 { 12 } else { 3 };
                    for _ in 0..lits {
                        if i < len {
                            v[i] = (rnd() % 256) as u8;
                            i += 1;
                        }
                    }
                }
                calls.push(v);
            }
            assert_eq!(ours(&calls), theirs(&calls), "round {round}");
        }
        assert_eq!(ours(&[]), theirs(&[]));
        assert_eq!(ours(&[vec![0; 100_000]]), theirs(&[vec![0; 100_000]]));
        let all: Vec<u8> = (0..=255u8).cycle().take(4000).collect();
        let all = [all];
        assert_eq!(ours(&all), theirs(&all));
    }

    /// `write_zero_line` is `write_data` of the same line, for every short length and first
    /// byte, between other calls.
    #[test]
    fn zero_line_is_write_data_of_the_line() {
        for first in [0u8, 1, 4, 255] {
            for zeros in (0..80).chain([255, 256, 257, 258, 259, 516, 2249, 4499, 4500, 100_000]) {
                let mut line = vec![0u8; zeros + 1];
                line[0] = first;
                let lead = vec![3u8, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1];
                let mut z = Fast::new(Vec::new());
                z.write_data(&lead);
                z.write_zero_line(first, zeros);
                z.write_data(&lead);
                z.write_zero_line(first, zeros);
                let want = theirs(&[lead.clone(), line.clone(), lead.clone(), line]);
                assert_eq!(z.finish(), want, "first {first}, zeros {zeros}");
            }
        }
    }
}
