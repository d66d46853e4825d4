//! Turning stored pixels upright according to EXIF Orientation.
//!
//! The upload copy is written without EXIF, so any rotation or mirroring the
//! camera left to the viewer has to be baked into the pixels here; otherwise
//! every phone photo taken in portrait arrives on its side.

use image::imageops;
use image::RgbImage;

/// Applies the transform that displays an image stored with EXIF
/// `orientation` (1–8) the right way up. Values outside 1–8 are treated as 1.
///
/// | tag | stored as                 | to display            |
/// |-----|---------------------------|-----------------------|
/// | 2   | mirrored                  | flip left–right       |
/// | 3   | upside down               | rotate 180°           |
/// | 4   | mirrored upside down      | flip top–bottom       |
/// | 5   | mirrored, on its side     | transpose             |
/// | 6   | on its side               | rotate 90° clockwise  |
/// | 7   | mirrored, on its other side | transverse          |
/// | 8   | on its other side         | rotate 270° clockwise |
pub(crate) fn upright(image: RgbImage, orientation: u16) -> RgbImage {
    match orientation {
        2 => imageops::flip_horizontal(&image),
        3 => imageops::rotate180(&image),
        4 => imageops::flip_vertical(&image),
        // Transpose (mirror across the top-left to bottom-right diagonal).
        5 => {
            let mut turned = imageops::rotate90(&image);
            imageops::flip_horizontal_in_place(&mut turned);
            turned
        }
        6 => imageops::rotate90(&image),
        // Transverse (mirror across the top-right to bottom-left diagonal).
        7 => {
            let mut turned = imageops::rotate270(&image);
            imageops::flip_horizontal_in_place(&mut turned);
            turned
        }
        8 => imageops::rotate270(&image),
        _ => image,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 image whose pixels are numbered 0–5 in reading order:
    /// ```text
    /// 0 1 2
    /// 3 4 5
    /// ```
    fn numbered() -> RgbImage {
        RgbImage::from_fn(3, 2, |x, y| {
            let n = (y * 3 + x) as u8;
            image::Rgb([n, n, n])
        })
    }

    fn rows(image: &RgbImage) -> Vec<Vec<u8>> {
        (0..image.height())
            .map(|y| {
                (0..image.width())
                    .map(|x| image.get_pixel(x, y).0[0])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_orientation_moves_pixels_to_where_the_exif_standard_says() {
        let cases: [(u16, Vec<Vec<u8>>); 8] = [
            (1, vec![vec![0, 1, 2], vec![3, 4, 5]]),
            (2, vec![vec![2, 1, 0], vec![5, 4, 3]]),
            (3, vec![vec![5, 4, 3], vec![2, 1, 0]]),
            (4, vec![vec![3, 4, 5], vec![0, 1, 2]]),
            (5, vec![vec![0, 3], vec![1, 4], vec![2, 5]]),
            (6, vec![vec![3, 0], vec![4, 1], vec![5, 2]]),
            (7, vec![vec![5, 2], vec![4, 1], vec![3, 0]]),
            (8, vec![vec![2, 5], vec![1, 4], vec![0, 3]]),
        ];

        for (orientation, expected) in cases {
            assert_eq!(
                rows(&upright(numbered(), orientation)),
                expected,
                "orientation {orientation}"
            );
        }
    }

    #[test]
    fn unknown_orientations_leave_the_image_alone() {
        assert_eq!(rows(&upright(numbered(), 0)), rows(&numbered()));
        assert_eq!(rows(&upright(numbered(), 9)), rows(&numbered()));
    }
}
