//! What the camera wrote about a photo: orientation, position, time, device.
//!
//! EXIF from real phones is full of placeholders and half-written values, so
//! every field here is "present and believable" or `None`; nothing is ever
//! guessed. The upload copy carries none of this (it is re-encoded without
//! metadata); the app keeps it to suggest a position and a time.

use std::io::Cursor;

use exif::{Exif, Field, In, Reader, Tag, Value};
use gridline_schema::geo::is_real_fix;
use serde::Serialize;

/// Camera metadata read from a photo's EXIF.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CameraMeta {
    /// EXIF Orientation, 1–8; 1 (upright) when absent or out of range.
    pub orientation: u16,
    /// Where the photo was taken (WGS-84), if the camera recorded a real fix.
    pub gps: Option<GpsFix>,
    /// DateTimeOriginal as "YYYY-MM-DD HH:MM:SS", in the camera's local time
    /// exactly as recorded; EXIF has no reliable time zone.
    pub taken_at: Option<String>,
    /// Camera maker, trimmed of the padding many cameras add.
    pub make: Option<String>,
    /// Camera model, trimmed.
    pub model: Option<String>,
}

impl Default for CameraMeta {
    fn default() -> Self {
        CameraMeta {
            orientation: 1,
            gps: None,
            taken_at: None,
            make: None,
            model: None,
        }
    }
}

/// A GPS position in decimal degrees, WGS-84 as GPS receivers report it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GpsFix {
    /// Latitude, degrees north positive.
    pub lat: f64,
    /// Longitude, degrees east positive.
    pub lon: f64,
}

/// Reads camera metadata from JPEG, PNG (`eXIf`), WebP or HEIF bytes.
///
/// Never fails: a file without EXIF, or with EXIF too broken to parse, gives
/// [`CameraMeta::default`]. Fields that parse are kept even when others in
/// the same file are broken.
pub fn read_camera_meta(bytes: &[u8]) -> CameraMeta {
    match read_exif(bytes) {
        Some(exif) => meta_from_exif(&exif),
        None => CameraMeta::default(),
    }
}

fn read_exif(bytes: &[u8]) -> Option<Exif> {
    let result = Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut Cursor::new(bytes))
        .or_else(|e| {
            e.distill_partial_result(|errors| {
                tracing::debug!(
                    count = errors.len(),
                    "EXIF partly unreadable; kept the rest"
                );
            })
        });
    match result {
        Ok(exif) => Some(exif),
        Err(exif::Error::NotFound(_)) => None,
        Err(e) => {
            tracing::debug!(error = %e, "EXIF unreadable; photo treated as having none");
            None
        }
    }
}

fn meta_from_exif(exif: &Exif) -> CameraMeta {
    let field = |tag| exif.get_field(tag, In::PRIMARY);

    let orientation = field(Tag::Orientation)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .map_or(1, |o| o as u16);

    CameraMeta {
        orientation,
        gps: gps_fix(exif),
        taken_at: field(Tag::DateTimeOriginal).and_then(taken_at),
        make: field(Tag::Make).and_then(ascii),
        model: field(Tag::Model).and_then(ascii),
    }
}

/// The position, if both coordinates and both hemisphere refs are present
/// and sane. A zero denominator anywhere (Nikon writes 0/0 seconds) makes
/// the whole position missing: the camera did not know it, and reading 0/0
/// as 0 would invent a point up to a minute of arc away.
fn gps_fix(exif: &Exif) -> Option<GpsFix> {
    let field = |tag| exif.get_field(tag, In::PRIMARY);

    let lat = degrees(field(Tag::GPSLatitude)?)?;
    let lon = degrees(field(Tag::GPSLongitude)?)?;
    let lat_sign = match first_ascii_char(field(Tag::GPSLatitudeRef)?)? {
        b'N' => 1.0,
        b'S' => -1.0,
        _ => return None,
    };
    let lon_sign = match first_ascii_char(field(Tag::GPSLongitudeRef)?)? {
        b'E' => 1.0,
        b'W' => -1.0,
        _ => return None,
    };
    let (lat, lon) = (lat * lat_sign, lon * lon_sign);

    is_real_fix(lat, lon).then_some(GpsFix { lat, lon })
}

/// Degrees, minutes and seconds (three rationals) as decimal degrees.
/// Cameras that write decimal minutes put 0/1 in the seconds, which is fine;
/// a missing third value is accepted as zero seconds.
fn degrees(field: &Field) -> Option<f64> {
    let Value::Rational(parts) = &field.value else {
        return None;
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|r| r.denom == 0) {
        return None;
    }
    let value: f64 = parts
        .iter()
        .zip([1.0, 60.0, 3600.0])
        .map(|(r, scale)| f64::from(r.num) / f64::from(r.denom) / scale)
        .sum();
    // Minutes or seconds of 60 or more mean a garbled value, not a position.
    let in_range = parts.iter().skip(1).all(|r| r.to_f64() < 60.0);
    in_range.then_some(value)
}

fn first_ascii_char(field: &Field) -> Option<u8> {
    match &field.value {
        Value::Ascii(strings) => strings.first()?.first().map(u8::to_ascii_uppercase),
        _ => None,
    }
}

/// An ASCII field's first string, without the trailing spaces and NULs
/// that cameras pad fixed-width fields with; `None` when nothing is left.
fn ascii(field: &Field) -> Option<String> {
    let Value::Ascii(strings) = &field.value else {
        return None;
    };
    let text = String::from_utf8_lossy(strings.first()?);
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    (!text.is_empty()).then(|| text.to_owned())
}

/// DateTimeOriginal reformatted with dashes in the date; blank or
/// impossible dates ("0000:00:00 00:00:00") are missing.
fn taken_at(field: &Field) -> Option<String> {
    let Value::Ascii(strings) = &field.value else {
        return None;
    };
    let t = exif::DateTime::from_ascii(strings.first()?).ok()?;
    let valid = (1..=12).contains(&t.month)
        && (1..=31).contains(&t.day)
        && t.hour < 24
        && t.minute < 60
        && t.second <= 60
        && t.year > 0;
    valid.then(|| {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use exif::experimental::Writer;
    use exif::Rational;

    fn ascii_field(tag: Tag, text: &str) -> Field {
        Field {
            tag,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![text.as_bytes().to_vec()]),
        }
    }

    fn rational_field(tag: Tag, parts: &[(u32, u32)]) -> Field {
        let parts = parts
            .iter()
            .map(|&(num, denom)| Rational { num, denom })
            .collect();
        Field {
            tag,
            ifd_num: In::PRIMARY,
            value: Value::Rational(parts),
        }
    }

    /// Writes `fields` as a bare TIFF/EXIF block, which `read_camera_meta`
    /// accepts like any container.
    fn exif_bytes(fields: &[Field]) -> Vec<u8> {
        let mut writer = Writer::new();
        for f in fields {
            writer.push_field(f);
        }
        let mut out = Cursor::new(Vec::new());
        writer.write(&mut out, false).expect("EXIF writes");
        out.into_inner()
    }

    fn position(lat: &[(u32, u32)], lat_ref: &str, lon: &[(u32, u32)], lon_ref: &str) -> Vec<u8> {
        exif_bytes(&[
            ascii_field(Tag::GPSLatitudeRef, lat_ref),
            rational_field(Tag::GPSLatitude, lat),
            ascii_field(Tag::GPSLongitudeRef, lon_ref),
            rational_field(Tag::GPSLongitude, lon),
        ])
    }

    #[test]
    fn southern_and_western_refs_make_coordinates_negative() {
        let bytes = position(&[(33, 1), (52, 1), (0, 1)], "S", &[(151, 1), (12, 1)], "W");

        let gps = read_camera_meta(&bytes).gps.expect("a real fix");

        assert!((gps.lat - -(33.0 + 52.0 / 60.0)).abs() < 1e-9, "{gps:?}");
        assert!((gps.lon - -(151.0 + 12.0 / 60.0)).abs() < 1e-9, "{gps:?}");
    }

    #[test]
    fn a_zero_denominator_anywhere_makes_the_position_missing() {
        let bytes = position(&[(48, 1), (2666179, 50000), (0, 0)], "N", &[(21, 1)], "E");

        assert_eq!(read_camera_meta(&bytes).gps, None);
    }

    #[test]
    fn a_missing_ref_or_an_impossible_value_makes_the_position_missing() {
        let no_ref = exif_bytes(&[
            rational_field(Tag::GPSLatitude, &[(10, 1)]),
            rational_field(Tag::GPSLongitude, &[(10, 1)]),
        ]);
        let bad_ref = position(&[(10, 1)], "X", &[(10, 1)], "E");
        let north_of_the_pole = position(&[(91, 1)], "N", &[(10, 1)], "E");
        let seventy_minutes = position(&[(10, 1), (70, 1)], "N", &[(10, 1)], "E");

        for bytes in [no_ref, bad_ref, north_of_the_pole, seventy_minutes] {
            assert_eq!(read_camera_meta(&bytes).gps, None);
        }
    }

    #[test]
    fn padded_text_is_trimmed_and_blank_text_is_missing() {
        let bytes = exif_bytes(&[
            ascii_field(Tag::Make, "SAMSUNG   "),
            ascii_field(Tag::Model, "   "),
            ascii_field(Tag::DateTimeOriginal, "    :  :     :  :  "),
        ]);

        let meta = read_camera_meta(&bytes);

        assert_eq!(meta.make.as_deref(), Some("SAMSUNG"));
        assert_eq!(meta.model, None);
        assert_eq!(meta.taken_at, None);
    }

    #[test]
    fn an_orientation_outside_one_to_eight_counts_as_upright() {
        let field = |o| Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![o]),
        };

        assert_eq!(read_camera_meta(&exif_bytes(&[field(6)])).orientation, 6);
        assert_eq!(read_camera_meta(&exif_bytes(&[field(9)])).orientation, 1);
        assert_eq!(read_camera_meta(&exif_bytes(&[field(0)])).orientation, 1);
    }

    #[test]
    fn bytes_without_exif_give_the_default() {
        assert_eq!(read_camera_meta(b"not an image"), CameraMeta::default());
        assert_eq!(
            read_camera_meta(&[0xFF, 0xD8, 0xFF, 0xD9]),
            CameraMeta::default()
        );
    }
}
