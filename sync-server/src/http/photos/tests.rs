use super::*;

#[test]
fn photo_names_are_64_lowercase_hex_characters() {
    assert!(is_sha256_hex(&"ab".repeat(32)));
    assert!(!is_sha256_hex(&"AB".repeat(32)));
    assert!(!is_sha256_hex(&"ab".repeat(31)));
    assert!(!is_sha256_hex(&"zz".repeat(32)));
}

#[test]
fn text_and_truncated_images_are_not_photos() {
    assert!(matches!(
        check_image(b"hello"),
        Err(ApiError::PhotoNotImage(_))
    ));
    assert!(matches!(
        check_image(&[0xFF, 0xD8, 0xFF]),
        Err(ApiError::PhotoNotImage(_))
    ));
}

fn encoded(img: image::DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[test]
fn a_real_small_jpeg_and_png_are_photos() {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(40, 30, |x, y| {
        image::Rgb([x as u8 * 6, y as u8 * 8, 90])
    }));

    assert_eq!(
        check_image(&encoded(img.clone(), ImageFormat::Jpeg)).unwrap(),
        "image/jpeg"
    );
    assert_eq!(
        check_image(&encoded(img, ImageFormat::Png)).unwrap(),
        "image/png"
    );
}

#[test]
fn a_small_png_claiming_100000_pixels_a_side_is_too_large() {
    let mut png = encoded(
        image::DynamicImage::ImageLuma8(image::GrayImage::new(1, 1)),
        ImageFormat::Png,
    );
    // IHDR follows the 8-byte signature: length, type, width, height, …, CRC.
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&png[12..29]);
    png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    png.resize(4096, 0);

    assert!(matches!(check_image(&png), Err(ApiError::PhotoTooLarge(_))));
}

#[test]
fn a_jpeg_header_over_junk_is_not_a_photo() {
    let jpeg = encoded(
        image::DynamicImage::ImageRgb8(image::RgbImage::new(64, 48)),
        ImageFormat::Jpeg,
    );
    let scan = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("a start of scan");
    let mut forged = jpeg[..scan].to_vec();
    forged.extend((0..3000u32).map(|i| (i * 7 % 256) as u8));

    assert!(matches!(
        check_image(&forged),
        Err(ApiError::PhotoNotImage(_))
    ));
}

#[test]
fn a_jpeg_with_headers_and_no_scan_data_is_not_a_photo() {
    let jpeg = encoded(
        image::DynamicImage::ImageRgb8(image::RgbImage::new(64, 48)),
        ImageFormat::Jpeg,
    );
    let scan = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("a start of scan");
    let scan_header_len = usize::from(u16::from_be_bytes([jpeg[scan + 2], jpeg[scan + 3]]));
    let mut hollow = jpeg[..scan + 2 + scan_header_len].to_vec();
    hollow.extend([0xFF, 0xD9]);

    assert!(
        guessed_reader(&hollow).unwrap().into_dimensions().is_ok(),
        "the headers alone read as an image"
    );
    assert!(matches!(
        check_image(&hollow),
        Err(ApiError::PhotoNotImage(_))
    ));
}
