//! Telling a photo's format from its first bytes.
//!
//! File names and MIME types from a picker are whatever the phone says; the
//! magic bytes are what the decoder will actually meet.

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jpeg,
    Png,
    WebP,
    /// Recognised, but not something the pipeline decodes; the name is shown
    /// to the user ("HEIC", "GIF", …).
    Unsupported(&'static str),
    /// Not any image format we know of.
    Unknown,
}

/// ISO-BMFF brands of HEIF still images coded with HEVC, as Apple and most
/// Android phones write them.
const HEIC_BRANDS: [&[u8; 4]; 8] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
];

/// Brands that say "HEIF structure" without naming the codec.
const HEIF_BRANDS: [&[u8; 4]; 2] = [b"mif1", b"msf1"];

const AVIF_BRANDS: [&[u8; 4]; 2] = [b"avif", b"avis"];

/// Reads the signature at the start of `bytes`.
pub(crate) fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Format::Jpeg
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Format::Png
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Format::WebP
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        Format::Unsupported(iso_bmff_kind(bytes))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Format::Unsupported("GIF")
    } else if bytes.starts_with(b"BM") && bytes.len() >= 14 {
        Format::Unsupported("BMP")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Format::Unsupported("TIFF")
    } else if bytes.starts_with(b"%PDF") {
        Format::Unsupported("PDF")
    } else {
        Format::Unknown
    }
}

/// Names an ISO-BMFF file (the `ftyp` box) by its brands.
///
/// The major brand alone is not enough: some encoders put the generic
/// `mif1` first and the codec brand among the compatible ones, so every
/// brand in the box is looked at, codec-specific ones winning.
fn iso_bmff_kind(bytes: &[u8]) -> &'static str {
    let box_len = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let end = box_len.clamp(12, bytes.len().min(256));
    // Major brand at 8..12, minor version at 12..16, compatible brands after.
    let brands: Vec<&[u8]> = std::iter::once(&bytes[8..12])
        .chain(bytes.get(16..end).unwrap_or_default().chunks_exact(4))
        .collect();
    let has = |set: &[&[u8; 4]]| brands.iter().any(|b| set.iter().any(|s| &s[..] == *b));

    if has(&AVIF_BRANDS) {
        "AVIF"
    } else if has(&HEIC_BRANDS) {
        "HEIC"
    } else if has(&HEIF_BRANDS) {
        "HEIF"
    } else {
        // MP4 or QuickTime video, or some other ISO-BMFF file.
        "video"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compatible.len() as u32;
        let mut out = len.to_be_bytes().to_vec();
        out.extend_from_slice(b"ftyp");
        out.extend_from_slice(major);
        out.extend_from_slice(&[0, 0, 0, 0]);
        for brand in compatible {
            out.extend_from_slice(*brand);
        }
        out
    }

    #[test]
    fn signatures_of_the_three_decoded_formats_are_recognised() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1]), Format::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Format::Png);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Format::WebP);
    }

    #[test]
    fn heif_files_are_named_by_their_codec_brand_wherever_it_appears() {
        assert_eq!(
            sniff(&ftyp(b"heic", &[b"mif1", b"heic"])),
            Format::Unsupported("HEIC")
        );
        assert_eq!(
            sniff(&ftyp(b"mif1", &[b"heic"])),
            Format::Unsupported("HEIC")
        );
        assert_eq!(
            sniff(&ftyp(b"msf1", &[b"hevc"])),
            Format::Unsupported("HEIC")
        );
        assert_eq!(sniff(&ftyp(b"mif1", &[])), Format::Unsupported("HEIF"));
        assert_eq!(
            sniff(&ftyp(b"mif1", &[b"avif"])),
            Format::Unsupported("AVIF")
        );
        assert_eq!(
            sniff(&ftyp(b"isom", &[b"mp41"])),
            Format::Unsupported("video")
        );
    }

    #[test]
    fn short_or_foreign_bytes_are_unknown_rather_than_a_panic() {
        assert_eq!(sniff(b""), Format::Unknown);
        assert_eq!(sniff(b"RIFF"), Format::Unknown);
        assert_eq!(sniff(b"\0\0\0\x08ftyp"), Format::Unknown);
        assert_eq!(sniff(b"hello, world"), Format::Unknown);
    }
}
