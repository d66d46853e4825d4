//! Decoding a photo to 8-bit RGB, no larger than it needs to be.
//!
//! JPEGs go through `jpeg-decoder`, which can run its inverse DCT at 1/2, 1/4
//! or 1/8 size: a 13-megapixel phone photo headed for 1600 px is decoded
//! straight to about 3 megapixels, which is most of the pipeline's speed.
//! PNG and WebP go through the `image` crate at full size.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};
use jpeg_decoder::PixelFormat;

use super::resize::fit_within;
use super::PhotoError;

/// The most pixels a photo may have. Phones top out near 200 megapixels;
/// 100 keeps a decoded RGB copy under 300 MB, and anything larger from a
/// grid leader's picker is a scan or a hostile file.
pub(crate) const MAX_PIXELS: u64 = 100_000_000;

/// A decoded photo in stored (not yet upright) orientation.
pub(crate) struct Decoded {
    /// The pixels, possibly already shrunk by the decoder.
    pub image: RgbImage,
    /// The size of the image as stored in the file, before any shrinking.
    pub full_width: u32,
    pub full_height: u32,
}

/// Decodes a JPEG at the smallest IDCT scale whose result still covers
/// `max_edge` on the long side (or the full image, if it is smaller).
pub(crate) fn jpeg(bytes: &[u8], max_edge: u32) -> Result<Decoded, PhotoError> {
    guard(|| {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        decoder.read_info().map_err(jpeg_error)?;
        let info = decoder
            .info()
            .ok_or_else(|| decode_error("JPEG has no frame header"))?;
        let (full_width, full_height) = (u32::from(info.width), u32::from(info.height));
        check_size(full_width, full_height)?;

        let (want_w, want_h) = fit_within(full_width, full_height, max_edge);
        // Both fit within u16 because the full size does.
        let (w, h) = decoder
            .scale(want_w as u16, want_h as u16)
            .map_err(jpeg_error)?;
        let pixels = decoder.decode().map_err(jpeg_error)?;

        let rgb = match info.pixel_format {
            PixelFormat::RGB24 => pixels,
            PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
            // Native-endian 16-bit samples from lossless JPEG; keep the top byte.
            PixelFormat::L16 => pixels
                .chunks_exact(2)
                .flat_map(|s| {
                    let l = (u16::from_ne_bytes([s[0], s[1]]) >> 8) as u8;
                    [l, l, l]
                })
                .collect(),
            PixelFormat::CMYK32 => cmyk_to_rgb(&pixels),
        };
        let image = RgbImage::from_raw(u32::from(w), u32::from(h), rgb)
            .ok_or_else(|| decode_error("JPEG decoded to fewer pixels than its header says"))?;

        Ok(Decoded {
            image,
            full_width,
            full_height,
        })
    })
}

/// Decodes a PNG or WebP at full size, flattening any transparency onto
/// white (a transparent screenshot should not turn black in a JPEG).
pub(crate) fn with_image_crate(bytes: &[u8], format: ImageFormat) -> Result<Decoded, PhotoError> {
    guard(|| {
        let (full_width, full_height) = ImageReader::with_format(Cursor::new(bytes), format)
            .into_dimensions()
            .map_err(|e| decode_error(e.to_string()))?;
        check_size(full_width, full_height)?;

        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(full_width);
        limits.max_image_height = Some(full_height);
        limits.max_alloc = Some(MAX_PIXELS * 8);
        reader.limits(limits);
        let decoded = reader.decode().map_err(|e| decode_error(e.to_string()))?;

        let image = if decoded.color().has_alpha() {
            flatten_onto_white(decoded)
        } else {
            decoded.into_rgb8()
        };
        Ok(Decoded {
            image,
            full_width,
            full_height,
        })
    })
}

/// Rejects empty and absurd sizes before any pixel memory is allocated.
fn check_size(width: u32, height: u32) -> Result<(), PhotoError> {
    if width == 0 || height == 0 {
        return Err(decode_error(format!(
            "image claims a size of {width}×{height}"
        )));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooLarge { width, height });
    }
    Ok(())
}

/// `jpeg-decoder` hands back CMYK as ink amounts (0 = no ink), having
/// already undone the inversion Adobe applications write and the YCCK
/// transform. This is the naive conversion without the embedded ICC
/// profile: colours drift a little, but the picture is right way round
/// (not a negative) and recognisable, which is what a report photo needs.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    cmyk.chunks_exact(4)
        .flat_map(|p| {
            let white = 255 - u16::from(p[3]);
            let channel = |ink: u8| ((255 - u16::from(ink)) * white / 255) as u8;
            [channel(p[0]), channel(p[1]), channel(p[2])]
        })
        .collect()
}

/// Composites RGBA over white: out = a·c + (1 − a)·255.
fn flatten_onto_white(image: DynamicImage) -> RgbImage {
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let pixels = rgba
        .into_raw()
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u32::from(p[3]);
            let over = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [over(p[0]), over(p[1]), over(p[2])]
        })
        .collect();
    RgbImage::from_raw(width, height, pixels).expect("three bytes for every RGBA pixel")
}

/// Runs a decoder so that a panic on a malformed file becomes an error
/// instead of taking down the app: photos come from anywhere, and decoders
/// written for well-formed files have panicked on fuzzed input before.
fn guard<T>(decode: impl FnOnce() -> Result<T, PhotoError>) -> Result<T, PhotoError> {
    catch_unwind(AssertUnwindSafe(decode))
        .unwrap_or_else(|_| Err(decode_error("the decoder gave up on a malformed file")))
}

fn jpeg_error(e: jpeg_decoder::Error) -> PhotoError {
    decode_error(format!("JPEG: {e}"))
}

fn decode_error(message: impl Into<String>) -> PhotoError {
    PhotoError::Decode(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_ink_is_white_and_full_black_ink_is_black() {
        assert_eq!(cmyk_to_rgb(&[0, 0, 0, 0]), [255, 255, 255]);
        assert_eq!(cmyk_to_rgb(&[0, 0, 0, 255]), [0, 0, 0]);
        assert_eq!(
            cmyk_to_rgb(&[255, 0, 0, 0]),
            [0, 255, 255],
            "full cyan is cyan"
        );
    }

    #[test]
    fn transparent_pixels_become_white_and_opaque_ones_keep_their_colour() {
        let rgba =
            image::RgbaImage::from_raw(3, 1, vec![10, 20, 30, 0, 10, 20, 30, 255, 0, 0, 0, 128])
                .unwrap();

        let rgb = flatten_onto_white(DynamicImage::ImageRgba8(rgba));

        assert_eq!(rgb.into_raw(), [255, 255, 255, 10, 20, 30, 127, 127, 127]);
    }

    #[test]
    fn sizes_over_a_hundred_megapixels_are_refused_and_zero_is_a_decode_error() {
        assert!(check_size(10_000, 10_000).is_ok());
        assert!(matches!(
            check_size(10_001, 10_000),
            Err(PhotoError::TooLarge {
                width: 10_001,
                height: 10_000
            })
        ));
        assert!(matches!(check_size(0, 10), Err(PhotoError::Decode(_))));
    }
}
