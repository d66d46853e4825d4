//! Coordinates: WGS-84 (what GPS gives and what Gridline stores) and GCJ-02
//! (what Chinese base maps draw in), and simple planar tests on small areas.
//!
//! GCJ-02 offsets WGS-84 by a few hundred metres inside China by a published
//! closed-form formula; the reverse has no closed form, so it is found by
//! fixed-point iteration until the round trip is within a millimetre.

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

/// Whether a point lies in the rectangle where GCJ-02 applies.
pub fn in_china(lat: f64, lon: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

fn delta(lat: f64, lon: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let x = lon - 105.0;
    let y = lat - 35.0;
    let mut dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    dlat += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    dlat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let mut dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    dlon += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    dlon += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlon += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;

    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad_lat.sin() * rad_lat.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (A / sqrt_magic * rad_lat.cos() * PI);
    (dlat, dlon)
}

/// WGS-84 to GCJ-02; points outside China are returned unchanged.
pub fn wgs84_to_gcj02(lat: f64, lon: f64) -> (f64, f64) {
    if !in_china(lat, lon) {
        return (lat, lon);
    }
    let (dlat, dlon) = delta(lat, lon);
    (lat + dlat, lon + dlon)
}

/// GCJ-02 to WGS-84 by iteration; the result maps back to the input within
/// about a millimetre.
pub fn gcj02_to_wgs84(lat: f64, lon: f64) -> (f64, f64) {
    if !in_china(lat, lon) {
        return (lat, lon);
    }
    let (mut wlat, mut wlon) = (lat, lon);
    for _ in 0..30 {
        let (glat, glon) = wgs84_to_gcj02(wlat, wlon);
        let (elat, elon) = (glat - lat, glon - lon);
        wlat -= elat;
        wlon -= elon;
        if elat.abs() < 1e-9 && elon.abs() < 1e-9 {
            break;
        }
    }
    (wlat, wlon)
}

/// Great-circle distance in metres between two WGS-84 points.
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().asin()
}

/// Whether `[lon, lat]` lies inside the ring (even-odd rule). Points on an
/// edge may fall either way.
pub fn ring_contains(ring: &[[f64; 2]], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let [xi, yi] = ring[i];
        let [xj, yj] = ring[j];
        if (yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Whether a point lies in any of the polygons' outer rings.
pub fn polygons_contain(polygons: &[Vec<[f64; 2]>], lon: f64, lat: f64) -> bool {
    polygons.iter().any(|ring| ring_contains(ring, lon, lat))
}

/// A position that GPS or EXIF reports as exactly 0,0, or not finite, or out
/// of range, is a missing fix, not a place in the Gulf of Guinea.
pub fn is_real_fix(lat: f64, lon: f64) -> bool {
    lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && !(lat == 0.0 && lon == 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcj02_shifts_zhengzhou_by_a_few_hundred_metres_and_inverts_within_half_a_metre() {
        let (lat, lon) = (34.8610, 113.6290);

        let (glat, glon) = wgs84_to_gcj02(lat, lon);
        let (wlat, wlon) = gcj02_to_wgs84(glat, glon);

        let shift = distance_m(lat, lon, glat, glon);
        assert!((100.0..1000.0).contains(&shift), "shift {shift} m");
        assert!(distance_m(lat, lon, wlat, wlon) < 0.5);
    }

    #[test]
    fn points_outside_china_are_not_shifted() {
        assert_eq!(wgs84_to_gcj02(60.267464, 8.771132), (60.267464, 8.771132));
    }

    #[test]
    fn ring_containment_follows_the_even_odd_rule() {
        let square = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]];

        assert!(ring_contains(&square, 1.0, 1.0));
        assert!(!ring_contains(&square, 3.0, 1.0));
    }

    #[test]
    fn null_island_and_nan_are_not_fixes() {
        assert!(!is_real_fix(0.0, 0.0));
        assert!(!is_real_fix(f64::NAN, 10.0));
        assert!(is_real_fix(0.0, 10.0));
    }
}
