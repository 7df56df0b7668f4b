//! PNG encoding of a chart's RGB canvas, and the canvas buffers themselves.
//!
//! [`png_rgb`] writes the same bytes as the `png` crate (0.17) set to 8-bit RGB, the Paeth
//! filter and `Compression::Fast` (fdeflate), which is what the charts used before: the header
//! and chunk framing are the crate's, the filtered rows go through the same fdeflate compressor,
//! with the same stored-block fallback. Only the filter is done here, with a shortcut: where a
//! run of 32 bytes and the pixel before it equal the row above (a chart's background, grid and
//! flat areas), every Paeth residual of the run is 0, so the run is zeroed without computing
//! the predictor. (With x = b and a = c the predictor p = a + b − c is b: |p − b| = 0 and
//! |p − a| = |p − c|, so the Paeth choice is a when a = b, else b; either way x − pred = 0.)
//! Elsewhere the residuals are computed exactly as the crate does. A row equal to the row above
//! is all zeros and is handed to the compressor as such ([`deflate`], fdeflate's compressor
//! with that entry point and a faster zero scan, the same stream). A unit test compares the
//! bytes with the crate's on a canvas with every kind of row.
//!
//! [`with_canvas`] lends an RGB buffer kept per thread, so the twelve canvases of a note (six
//! charts, wide and phone) reuse two or three allocations instead of faulting in 5 MB of fresh
//! pages each; it is not zeroed between charts ([`super::rgb::Shared::over_stale`]).

use crate::error::{Error, Result};
use std::cell::RefCell;

mod deflate;

/// Bytes per pixel (8-bit RGB).
const BPP: usize = 3;

/// Bytes per step of the filter (the crate's chunk size).
const CHUNK: usize = 32;

/// Paeth predictor as `png` 0.17's encoder computes it (`filter_paeth_fpnge`): the PNG
/// specification's choice (a, then b, then c on ties) in a form that vectorises.
#[inline(always)]
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let pa = b.max(c) - c.min(b);
    let pb = a.max(c) - c.min(a);
    // pc = |(b − c) + (a − c)|: when a − c and b − c have opposite signs it is |pa − pb|; when
    // they share a sign it exceeds pa and pb, so any value above them (255) chooses the same.
    let pc = if (a < c) == (c < b) { pa.max(pb) - pa.min(pb) } else { 255 };
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Whether two runs of [`BPP`] + [`CHUNK`] bytes are equal: the pixel before the step, then the
/// step, each compared as a fixed-size array. Sizes the compiler compares inline with two loads
/// each, where the 35-byte slice comparison called `memcmp` at every step (1.6 million calls a
/// default note, ~3% of its CPU samples).
#[inline(always)]
fn same_run(a: &[u8], b: &[u8]) -> bool {
    type Pixel<'a> = &'a [u8; BPP];
    type Step<'a> = &'a [u8; CHUNK];
    let (Some((pa, sa)), Some((pb, sb))) = (a.split_at_checked(BPP), b.split_at_checked(BPP)) else {
        return a == b;
    };
    match (Pixel::try_from(pa), Pixel::try_from(pb), Step::try_from(sa), Step::try_from(sb)) {
        (Ok(pa), Ok(pb), Ok(sa), Ok(sb)) => pa == pb && sa == sb,
        _ => a == b,
    }
}

/// The Paeth residuals of row `cur` (previous row `prev`, zeros above the first) into `out`.
fn paeth_row(prev: &[u8], cur: &[u8], out: &mut [u8]) {
    let len = cur.len();
    for i in 0..BPP.min(len) {
        out[i] = cur[i].wrapping_sub(paeth(0, prev[i], 0));
    }
    if len <= BPP {
        return;
    }
    let mut s = BPP;
    while s + CHUNK <= len {
        let e = s + CHUNK;
        if same_run(&cur[s - BPP..e], &prev[s - BPP..e]) {
            out[s..e].fill(0);
        } else {
            let (o, x, a, b, c) =
                (&mut out[s..e], &cur[s..e], &cur[s - BPP..e - BPP], &prev[s..e], &prev[s - BPP..e - BPP]);
            for i in 0..CHUNK {
                o[i] = x[i].wrapping_sub(paeth(a[i], b[i], c[i]));
            }
        }
        s = e;
    }
    for i in s..len {
        out[i] = cur[i].wrapping_sub(paeth(cur[i - BPP], prev[i], prev[i - BPP]));
    }
}

/// Appends to `out` the zlib stream of the Paeth-filtered rows of `rgb` (`w` pixels a row), as
/// the crate builds it with `Compression::Fast`. A row equal to the row above filters to zeros
/// (every residual is 0: x = b and a = c), so it goes to the compressor as a known zero line,
/// neither filtered nor scanned ([`deflate::Fast::write_zero_line`], the same stream).
fn idat_stream(rgb: &[u8], w: usize, h: usize, out: Vec<u8>) -> std::io::Result<Vec<u8>> {
    let row = w * BPP;
    let start = out.len();
    let zeros = vec![0u8; row];
    let mut line = vec![0u8; row + 1];
    line[0] = 4; // Paeth
    let mut z = deflate::Fast::new(out);
    let mut prev: &[u8] = &zeros;
    for cur in rgb.chunks_exact(row) {
        if cur == prev {
            z.write_zero_line(4, row);
        } else {
            paeth_row(prev, cur, &mut line[1..]);
            z.write_data(&line);
        }
        prev = cur;
    }
    let mut out = z.finish();
    if out.len() - start <= fdeflate::StoredOnlyCompressor::<()>::compressed_size((row + 1) * h) {
        return Ok(out);
    }
    // Stored blocks of the unfiltered rows when compressing would be larger (the crate's rule).
    out.truncate(start);
    let mut c = std::io::Cursor::new(out);
    c.set_position(start as u64);
    let mut z = fdeflate::StoredOnlyCompressor::new(c)?;
    for cur in rgb.chunks_exact(row) {
        z.write_data(&[0])?;
        z.write_data(cur)?;
    }
    Ok(z.finish()?.into_inner())
}

/// Encodes a `w` × `h` RGB buffer as PNG (deterministic: fixed settings, no timestamps).
/// fdeflate's fast mode with the Paeth filter: on the sample's six wide charts 1.78 MB in all
/// against 3.0 MB with the Sub filter. The file is the crate's (its signature, IHDR and IEND
/// around one IDAT chunk); the compressed stream is written in place inside the file's buffer
/// rather than copied into it. Errors: a buffer of the wrong size, or a failed write.
pub(crate) fn png_rgb(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let (wu, hu) = (w as usize, h as usize);
    if w == 0 || h == 0 || rgb.len() != wu * hu * BPP {
        return Err(Error::Internal(format!("PNG data: {} bytes for a {w}x{h} RGB image", rgb.len())));
    }
    let data_err = |e: std::io::Error| Error::Internal(format!("PNG data: {e}"));
    // The crate's file without image data: signature and IHDR, then the 12-byte IEND chunk.
    let mut shell = Vec::with_capacity(64);
    {
        let mut enc = png::Encoder::new(&mut shell, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::FilterType::Paeth);
        let wr = enc.write_header().map_err(|e| Error::Internal(format!("PNG header: {e}")))?;
        wr.finish().map_err(|e| Error::Internal(format!("PNG finish: {e}")))?;
    }
    const IEND_LEN: usize = 12;
    let (head, iend) = shell.split_at(shell.len().saturating_sub(IEND_LEN));
    let mut out = Vec::with_capacity(rgb.len() / 8 + shell.len() + 12);
    out.extend_from_slice(head);
    let chunk = out.len();
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&png::chunk::IDAT.0);
    let mut out = idat_stream(rgb, wu, hu, out).map_err(data_err)?;
    let n = out.len() - chunk - 8;
    // The crate's framing: IDAT chunks of at most 2^31 − 1 bytes (one, for any chart).
    let max = (u32::MAX >> 1) as usize;
    if n > max {
        let idat = out.split_off(chunk + 8);
        out.truncate(chunk);
        for part in idat.chunks(max) {
            write_chunk(&mut out, png::chunk::IDAT, part);
        }
    } else {
        out[chunk..chunk + 4].copy_from_slice(&(n as u32).to_be_bytes());
        let crc = crc32fast::hash(&out[chunk + 4..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    out.extend_from_slice(iend);
    Ok(out)
}

/// Appends a PNG chunk (length, type, data, CRC of type and data) to `out`.
fn write_chunk(out: &mut Vec<u8>, kind: png::chunk::ChunkType, data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let at = out.len();
    out.extend_from_slice(&kind.0);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[at..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

thread_local! {
    /// The canvas buffer [`with_canvas`] lends on this thread.
    static CANVAS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` with a buffer of `len` bytes, reused across calls on the same thread (a nested call
/// gets a fresh buffer). Its bytes are left from earlier use: draw on it through
/// [`super::rgb::Shared::over_stale`], which makes it behave as a zeroed canvas (zeroing it only
/// when the first drawing does not paint every pixel).
pub(crate) fn with_canvas<R>(len: usize, f: impl FnOnce(&mut [u8]) -> R) -> R {
    let taken = CANVAS.with(|c| c.try_borrow_mut().map(|mut v| std::mem::take(&mut *v)).ok());
    let mut buf = taken.unwrap_or_default();
    // The buffer keeps the length of the largest canvas lent so far and a smaller canvas is its
    // prefix: a note alternates wide and phone canvases on each thread, and shrinking the length
    // then growing it back zeroed the tail again each time (~1.9 MB). Growing zeroes only the
    // new tail.
    if buf.len() < len {
        buf.resize(len, 0);
    }
    let r = f(&mut buf[..len]);
    CANVAS.with(|c| {
        if let Ok(mut slot) = c.try_borrow_mut() {
            if slot.capacity() < buf.capacity() {
                *slot = buf;
            }
        }
    });
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crate's own encoder with the settings [`png_rgb`] reproduces.
    fn crate_png(rgb: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::FilterType::Paeth);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(rgb).unwrap();
        wr.finish().unwrap();
        out
    }

    /// A canvas with flat rows, rows equal to the one above, thin lines, gradients, noise and
    /// rows that differ from the one above in a single byte.
    fn canvas(w: u32, h: u32) -> Vec<u8> {
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        let mut seed = 11u32;
        for (i, px) in rgb.chunks_exact_mut(3).enumerate() {
            let (x, y) = (i as u32 % w, i as u32 / w);
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if y % 17 == 3 && x == (y * 7) % w {
                px[1] = 0;
            } else if y > h * 3 / 4 {
                px.copy_from_slice(&[(seed >> 16) as u8, (seed >> 8) as u8, seed as u8]);
            } else if x % 40 == 0 || y % 23 == 0 {
                px.copy_from_slice(&[20, 40, (x * 2) as u8]);
            } else if y > h / 2 {
                px.copy_from_slice(&[(x + y) as u8, 128, 255 - x as u8]);
            }
        }
        rgb
    }

    #[test]
    fn same_bytes_as_the_png_crate() {
        // Widths around the 32-byte step (row lengths not multiples of it) and tiny ones.
        for (w, h) in [(1, 1), (2, 3), (10, 4), (11, 9), (97, 61), (350, 120), (1500, 40)] {
            let rgb = canvas(w, h);
            assert_eq!(png_rgb(&rgb, w, h).unwrap(), crate_png(&rgb, w, h), "{w}x{h}");
        }
        // Pure noise: compressing is larger than storing, so both fall back to stored blocks.
        let (w, h) = (64u32, 64u32);
        let mut seed = 5u64;
        let noise: Vec<u8> = (0..w * h * 3)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                (seed >> 33) as u8
            })
            .collect();
        assert_eq!(png_rgb(&noise, w, h).unwrap(), crate_png(&noise, w, h));
    }

    /// The split comparison is the slice comparison: equal runs, a difference at each byte (the
    /// pixel before the step and the step), and runs of another length.
    #[test]
    fn same_run_is_slice_equality() {
        let a: Vec<u8> = (0..(CHUNK + BPP) as u8).collect();
        assert!(same_run(&a, &a.clone()));
        for i in 0..a.len() {
            let mut b = a.clone();
            b[i] ^= 0x40;
            assert!(!same_run(&a, &b), "byte {i}");
        }
        assert!(same_run(&a[..10], &a[..10]) && !same_run(&a[..10], &a[1..11]));
        assert!(!same_run(&a, &a[..CHUNK]));
    }

    #[test]
    fn paeth_rows_match_the_reference_everywhere() {
        // Every (a, b, c) with x = b and a = c gives 0, and the fast path equals the reference.
        let reference = |a: u8, b: u8, c: u8| {
            let p = a as i16 + b as i16 - c as i16;
            let (pa, pb, pc) = ((p - a as i16).abs(), (p - b as i16).abs(), (p - c as i16).abs());
            if pa <= pb && pa <= pc {
                a
            } else if pb <= pc {
                b
            } else {
                c
            }
        };
        for a in 0..=255u8 {
            for b in (0..=255u8).step_by(3) {
                for c in (0..=255u8).step_by(5) {
                    assert_eq!(paeth(a, b, c), reference(a, b, c), "{a} {b} {c}");
                }
            }
        }
    }

    #[test]
    fn canvas_is_reused_and_reads_as_zeroed_through_a_stale_canvas() {
        with_canvas(64, |b| b.fill(7));
        // The same allocation comes back, with its bytes left as they were.
        with_canvas(32, |b| assert!(b.len() == 32 && b.iter().all(|&x| x == 7)));
        with_canvas(128, |b| {
            assert_eq!(b.len(), 128);
            // The first loan's 64 bytes, then the zeroed growth.
            assert!(b[..64].iter().all(|&x| x == 7) && b[64..].iter().all(|&x| x == 0));
            // A nested loan is another buffer.
            with_canvas(16, |inner| assert!(inner.len() == 16 && inner.iter().all(|&x| x == 0)));
            // Shared as a stale canvas and finished with nothing drawn, it reads as zeros.
            super::super::rgb::Shared::over_stale(b, (4, 2)).unwrap().finish();
            assert!(b.iter().all(|&x| x == 0));
        });
    }

    /// The chunk framing used for oversized image data is the crate's.
    #[test]
    fn chunks_are_framed_as_the_crate_frames_them() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 256) as u8).collect();
        let mut ours = Vec::new();
        write_chunk(&mut ours, png::chunk::IDAT, &data);
        let mut theirs = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut theirs, 1, 1);
            enc.set_color(png::ColorType::Rgb);
            let mut wr = enc.write_header().unwrap();
            let at = 8 + 25;
            wr.write_chunk(png::chunk::IDAT, &data).unwrap();
            drop(wr);
            theirs = theirs[at..at + ours.len()].to_vec();
        }
        assert_eq!(ours, theirs);
    }

    #[test]
    fn rejects_a_buffer_of_the_wrong_size() {
        assert!(png_rgb(&[0; 10], 2, 2).is_err());
        assert!(png_rgb(&[], 0, 0).is_err());
    }
}
