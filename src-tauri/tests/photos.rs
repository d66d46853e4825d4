//! The photo pipeline against real camera and phone files.
//!
//! Every file in `shared/data/photos` goes through `prepare_upload` and is
//! checked against what `INVENTORY.csv` says about it: format, stored size,
//! orientation, GPS as recorded, capture time, maker.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gridline_app::core::photo::{prepare_upload, read_camera_meta, PhotoError, UploadCopy};
use image::{imageops, RgbImage};
use sha2::{Digest, Sha256};

fn photos_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/photos")
}

fn read(file: &str) -> Vec<u8> {
    let path = photos_dir().join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// One row of INVENTORY.csv, by column name.
struct Row(HashMap<String, String>);

impl Row {
    fn get(&self, column: &str) -> &str {
        self.0
            .get(column)
            .unwrap_or_else(|| panic!("no column {column}"))
    }

    fn number(&self, column: &str) -> Option<f64> {
        let text = self.get(column);
        (!text.is_empty()).then(|| {
            text.parse()
                .unwrap_or_else(|e| panic!("{column}={text}: {e}"))
        })
    }
}

fn inventory() -> Vec<Row> {
    let text = String::from_utf8(read("INVENTORY.csv")).unwrap();
    let mut records = parse_csv(&text).into_iter();
    let header = records.next().expect("a header row");
    records
        .map(|fields| {
            assert_eq!(
                fields.len(),
                header.len(),
                "row {fields:?} has the header's width"
            );
            Row(header.iter().cloned().zip(fields).collect())
        })
        .collect()
}

/// RFC 4180 CSV: fields may be quoted, quoted fields may hold commas,
/// newlines and doubled quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// The JPEG marker segments before the image data, as (marker, payload).
fn jpeg_segments(jpeg: &[u8]) -> Vec<(u8, &[u8])> {
    assert_eq!(&jpeg[..2], [0xFF, 0xD8], "starts with SOI");
    let mut segments = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        segments.push((marker, &jpeg[at + 4..at + 2 + len]));
        if marker == 0xDA {
            break;
        }
        at += 2 + len;
    }
    segments
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Asserts the copy carries nothing but pixels: no EXIF (so no GPS and no
/// orientation tag), no XMP, no ICC profile, no Photoshop block.
fn assert_no_metadata(file: &str, jpeg: &[u8]) {
    for (marker, payload) in jpeg_segments(jpeg) {
        let app = (0xE1..=0xEF).contains(&marker);
        assert!(
            !app,
            "{file}: APP{} segment {:?}…",
            marker - 0xE0,
            &payload[..payload.len().min(12)]
        );
    }
    assert!(
        !contains(jpeg, b"Exif\0\0"),
        "{file}: EXIF header in output"
    );
    assert!(
        !contains(jpeg, b"http://ns.adobe.com/xap"),
        "{file}: XMP in output"
    );
    assert!(
        !contains(jpeg, b"ICC_PROFILE"),
        "{file}: ICC profile in output"
    );
    let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(jpeg));
    assert!(
        matches!(exif, Err(exif::Error::NotFound(_))),
        "{file}: EXIF readable in output"
    );
}

fn decode(jpeg: &[u8]) -> RgbImage {
    image::load_from_memory(jpeg)
        .expect("the copy decodes")
        .into_rgb8()
}

/// Mean absolute difference per channel of two images of the same size.
fn mean_abs_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.as_raw().len() as f64
}

fn thumb(image: &RgbImage) -> RgbImage {
    imageops::resize(image, 32, 48, imageops::FilterType::Triangle)
}

#[test]
fn every_file_in_the_photo_folder_is_prepared_or_refused_as_its_inventory_row_says() {
    let rows = inventory();
    let mut files: Vec<String> = std::fs::read_dir(photos_dir())
        .expect("shared/data/photos beside the repository")
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert!(
        rows.len() >= 14,
        "inventory lists the photos, got {}",
        rows.len()
    );

    for file in &files {
        let bytes = read(file);
        let Some(row) = rows.iter().find(|r| r.get("file") == file) else {
            // INVENTORY.csv and LICENSES.md: text, which must be refused.
            let is_text = file.ends_with(".csv") || file.ends_with(".md");
            assert!(is_text, "{file} is missing from INVENTORY.csv");
            let err = prepare_upload(&bytes).expect_err("text is not a photo");
            assert_eq!(err.code(), "photo_decode", "{file}: {err}");
            continue;
        };

        let result = prepare_upload(&bytes);

        if file.ends_with(".heic") {
            let err = result.expect_err("HEIC is refused");
            assert!(
                matches!(err, PhotoError::Unsupported { format: "HEIC" }),
                "{file}: {err:?}"
            );
            continue;
        }
        let copy = result.unwrap_or_else(|e| panic!("{file}: {e}"));
        check_copy(file, row, &copy);
    }
    let listed_but_missing: Vec<_> = rows
        .iter()
        .map(|r| r.get("file"))
        .filter(|f| !files.iter().any(|g| g == f))
        .collect();
    assert!(
        listed_but_missing.is_empty(),
        "inventory rows without a file: {listed_but_missing:?}"
    );
}

fn check_copy(file: &str, row: &Row, copy: &UploadCopy) {
    // Size: the long edge of the stored image, capped at 1600, never enlarged.
    let stored: (u32, u32) = (
        row.get("width").parse().unwrap(),
        row.get("height").parse().unwrap(),
    );
    let want_long = stored.0.max(stored.1).min(1600);
    let long = copy.width.max(copy.height);
    assert!(
        long.abs_diff(want_long) <= 1,
        "{file}: long edge {long}, want {want_long}"
    );
    let (decoded_w, decoded_h) = decode(&copy.jpeg).dimensions();
    assert_eq!(
        (decoded_w, decoded_h),
        (copy.width, copy.height),
        "{file}: reported size"
    );

    // Upright: these display in portrait whatever their stored shape.
    if file.starts_with("Portrait_") || file.starts_with("Samsung") {
        assert!(
            copy.height > copy.width,
            "{file}: {}×{} is not portrait",
            copy.width,
            copy.height
        );
    }
    let orientation = row.number("orientation").map_or(1, |o| o as u16);
    assert_eq!(copy.camera.orientation, orientation, "{file}: orientation");

    // Aspect ratio survives, swapped for the orientations that turn by 90°.
    let (sw, sh) = if (5..=8).contains(&orientation) {
        (stored.1, stored.0)
    } else {
        stored
    };
    let ratio = |w: u32, h: u32| f64::from(w) / f64::from(h);
    let drift = (ratio(copy.width, copy.height) - ratio(sw, sh)).abs() / ratio(sw, sh);
    assert!(drift < 0.01, "{file}: aspect ratio drifted by {drift}");

    // GPS as recorded, or none when the inventory has none or null island.
    match (row.number("gps_lat"), row.number("gps_lon")) {
        (Some(lat), Some(lon)) if !(lat == 0.0 && lon == 0.0) => {
            let gps = copy
                .camera
                .gps
                .unwrap_or_else(|| panic!("{file}: GPS missing"));
            assert!(
                (gps.lat - lat).abs() < 1e-5,
                "{file}: lat {} vs {lat}",
                gps.lat
            );
            assert!(
                (gps.lon - lon).abs() < 1e-5,
                "{file}: lon {} vs {lon}",
                gps.lon
            );
        }
        _ => assert_eq!(copy.camera.gps, None, "{file}: GPS should be missing"),
    }

    // Time and maker as recorded, reformatted and trimmed.
    let recorded = row.get("datetime_original");
    let want_time = (!recorded.is_empty())
        .then(|| format!("{}-{}-{}", &recorded[0..4], &recorded[5..7], &recorded[8..]));
    assert_eq!(copy.camera.taken_at, want_time, "{file}: taken_at");
    let text = |column: &str| Some(row.get(column).trim().to_owned()).filter(|t| !t.is_empty());
    assert_eq!(copy.camera.make, text("make"), "{file}: make");
    assert_eq!(copy.camera.model, text("model"), "{file}: model");

    assert_no_metadata(file, &copy.jpeg);
    assert_eq!(
        copy.sha256,
        hex::encode(Sha256::digest(&copy.jpeg)),
        "{file}: sha256"
    );
    assert_eq!(copy.sha256.len(), 64);
    assert!(copy
        .sha256
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn gps_is_read_as_recorded_and_placeholders_are_missing() {
    let htc = read_camera_meta(&read("HTC-Desire.jpg"))
        .gps
        .expect("HTC has a fix");
    let oppo = read_camera_meta(&read("Oppo-R7-Plus.jpg"))
        .gps
        .expect("Oppo has a fix");
    let samsung = read_camera_meta(&read("Samsung-GT-I9000-Galaxy-S.jpg"));
    let nikon = read_camera_meta(&read("Nikon-D5000.jpg"));

    assert!(
        (htc.lat - 45.5006667).abs() < 1e-5 && (htc.lon - 9.1103333).abs() < 1e-5,
        "{htc:?}"
    );
    assert!(
        (oppo.lat - 60.267464).abs() < 1e-5 && (oppo.lon - 8.771132).abs() < 1e-5,
        "{oppo:?}"
    );
    assert_eq!(samsung.gps, None, "all-zero GPS is null island, not a fix");
    assert_eq!(samsung.make.as_deref(), Some("SAMSUNG"), "padding trimmed");
    assert_eq!(nikon.gps, None, "0/0 seconds make the position unknown");
    assert_eq!(nikon.orientation, 1, "no Orientation tag means upright");
}

#[test]
fn a_heic_is_refused_for_upload_but_its_camera_metadata_can_still_be_read() {
    let bytes = read("Issue-263-dotnet.heic");

    let err = prepare_upload(&bytes).unwrap_err();
    let meta = read_camera_meta(&bytes);

    assert_eq!(err.code(), "photo_unsupported");
    assert!(
        err.to_string().contains("HEIC"),
        "the message names the format: {err}"
    );
    let gps = meta.gps.expect("the iPhone recorded Lisbon");
    assert!(
        (gps.lat - 38.6995389).abs() < 1e-5 && (gps.lon - -9.2077472).abs() < 1e-5,
        "{gps:?}"
    );
    assert_eq!(meta.model.as_deref(), Some("iPhone XR"));
}

#[test]
fn orientation_test_pictures_all_come_out_the_same_way_up() {
    let upright = |file: &str| thumb(&decode(&prepare_upload(&read(file)).unwrap().jpeg));
    let reference = upright("Portrait_3.jpg");
    // The stored pixels of Portrait_3 are upside down: what ignoring EXIF gives.
    let ignored = thumb(
        &image::load_from_memory(&read("Portrait_3.jpg"))
            .unwrap()
            .into_rgb8(),
    );
    let mirrored = imageops::flip_horizontal(&reference);

    let wrong = [
        mean_abs_diff(&ignored, &reference),
        mean_abs_diff(&mirrored, &reference),
    ];
    for file in [
        "Portrait_2.jpg",
        "Portrait_4.jpg",
        "Portrait_5.jpg",
        "Portrait_7.jpg",
        "Portrait_8.jpg",
    ] {
        let diff = mean_abs_diff(&upright(file), &reference);
        eprintln!("{file}: mean abs diff {diff:.2} vs Portrait_3 (wrong ways: {wrong:.2?})");
        assert!(
            diff < 8.0,
            "{file} differs from Portrait_3 by {diff:.2} per channel"
        );
    }
    assert!(
        wrong.iter().all(|&d| d > 20.0),
        "the threshold must tell wrong from right: {wrong:?}"
    );
}

#[test]
fn a_cmyk_jpeg_comes_out_as_a_positive_not_a_negative() {
    let bytes = read("Multiple-ICC-segments.jpg");

    let ours = decode(&prepare_upload(&bytes).unwrap().jpeg);
    let theirs = image::load_from_memory(&bytes).unwrap().into_rgb8();

    let mean = |image: &RgbImage| {
        let raw = image.as_raw();
        raw.iter().map(|&c| f64::from(c)).sum::<f64>() / raw.len() as f64
    };
    let diff = mean_abs_diff(&ours, &theirs);
    eprintln!(
        "CMYK: mean {:.1} ours, {:.1} image crate; per-pixel diff {diff:.1}",
        mean(&ours),
        mean(&theirs)
    );
    assert!(
        (mean(&ours) - mean(&theirs)).abs() < 15.0,
        "brightness agrees with the image crate"
    );
    assert!(
        diff < 20.0,
        "pixels agree with the image crate, diff {diff:.1}"
    );
}

#[test]
fn the_same_photo_always_gives_the_same_bytes_and_hash() {
    for file in ["Oppo-R7-Plus.jpg", "Issue-280-dotnet.png", "Issue-116.jpg"] {
        let bytes = read(file);

        let first = prepare_upload(&bytes).unwrap();
        let second = prepare_upload(&bytes).unwrap();

        assert_eq!(first.sha256, second.sha256, "{file}");
        assert_eq!(first.jpeg, second.jpeg, "{file}");
    }
}

#[test]
fn a_thirteen_megapixel_phone_photo_shrinks_to_a_small_upload() {
    let bytes = read("Oppo-R7-Plus.jpg");
    prepare_upload(&bytes).unwrap(); // warm up the decoder's thread pool

    let started = Instant::now();
    let copy = prepare_upload(&bytes).unwrap();
    let elapsed = started.elapsed();

    eprintln!(
        "Oppo-R7-Plus.jpg 3120×4160 -> {}×{}, {} KB in {:.3} s",
        copy.width,
        copy.height,
        copy.jpeg.len() / 1024,
        elapsed.as_secs_f64()
    );
    assert_eq!((copy.width, copy.height), (1200, 1600));
    assert!(
        copy.jpeg.len() <= 400 * 1024,
        "{} bytes is over 400 KB",
        copy.jpeg.len()
    );
}
