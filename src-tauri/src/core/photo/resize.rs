//! Fitting a photo within the upload size.

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

use super::PhotoError;

/// The size that fits `width`×`height` within `max_edge` on the long side,
/// keeping the aspect ratio and never enlarging. The short side is rounded
/// to the nearest pixel and is at least 1.
pub(crate) fn fit_within(width: u32, height: u32, max_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_edge {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(max_edge) + u64::from(long) / 2) / u64::from(long);
        (scaled as u32).max(1)
    };
    (scale(width), scale(height))
}

/// Resamples `image` to exactly `width`×`height` with Lanczos3, the
/// sharpest of the usual filters for downscaling photos; returns the image
/// untouched when it is already that size.
pub(crate) fn resize_exact(
    image: RgbImage,
    width: u32,
    height: u32,
) -> Result<RgbImage, PhotoError> {
    if image.dimensions() == (width, height) {
        return Ok(image);
    }
    let (src_w, src_h) = image.dimensions();
    let src = Image::from_vec_u8(src_w, src_h, image.into_raw(), PixelType::U8x3)
        .map_err(|e| PhotoError::Encode(format!("resize source: {e}")))?;
    let mut dst = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| PhotoError::Encode(format!("resize: {e}")))?;
    RgbImage::from_raw(width, height, dst.into_vec())
        .ok_or_else(|| PhotoError::Encode("resize produced a short buffer".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_edge_lands_on_the_limit_and_the_short_edge_keeps_the_ratio() {
        assert_eq!(fit_within(3120, 4160, 1600), (1200, 1600));
        assert_eq!(fit_within(4608, 3456, 1600), (1600, 1200));
        assert_eq!(fit_within(1800, 1200, 1600), (1600, 1067));
    }

    #[test]
    fn small_photos_are_never_enlarged_and_slivers_keep_one_pixel() {
        assert_eq!(fit_within(640, 480, 1600), (640, 480));
        assert_eq!(fit_within(1600, 10, 1600), (1600, 10));
        assert_eq!(fit_within(20_000, 1, 1600), (1600, 1));
    }

    #[test]
    fn a_flat_colour_stays_that_colour_after_resampling() {
        let image = RgbImage::from_pixel(300, 200, image::Rgb([200, 100, 50]));

        let small = resize_exact(image, 150, 100).unwrap();

        assert_eq!(small.dimensions(), (150, 100));
        assert!(small.pixels().all(|p| p.0 == [200, 100, 50]));
    }
}
