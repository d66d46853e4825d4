//! Carving the district boundary into townships, communities and grids.
//!
//! Real grid boundaries are not public, so the demo makes its own inside the
//! real district outline. Each level is split by straight cuts parallel to
//! an axis: a cut divides the region's weights into two halves, lands where
//! the area on each side is proportional to them (found by bisection), and
//! the two sides are split again. Every piece is the region intersected with
//! a rectangle, so the pieces of a region tile it exactly, and nested levels
//! nest: the grids of a community tile the community.
//!
//! Areas are measured in square degrees. Over a district 20 km across the
//! length of a degree of longitude changes by a fraction of a percent, far
//! less than the demo's need for "about equal".

use std::path::Path;

use anyhow::{bail, Context};
use geo::{Area, BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};
use gridline_schema::geo::gcj02_to_wgs84;

/// Pieces smaller than this (in square degrees, about a square metre) are
/// slivers the clipping leaves along a cut; they are dropped.
const SLIVER_AREA: f64 = 1e-10;

/// Reads the district outline from `huiji-boundary.geojson` in `dir` and
/// converts it from GCJ-02 to WGS-84, which is what Gridline stores.
pub fn load_boundary(dir: &Path) -> anyhow::Result<MultiPolygon<f64>> {
    let path = dir.join("huiji-boundary.geojson");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the district boundary in {}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let geometry = &json["features"][0]["geometry"];
    let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
        Some("Polygon") => vec![&geometry["coordinates"]],
        Some("MultiPolygon") => geometry["coordinates"]
            .as_array()
            .map(|parts| parts.iter().collect())
            .unwrap_or_default(),
        other => bail!(
            "{}: expected a Polygon feature, found {other:?}",
            path.display()
        ),
    };

    let mut parts = Vec::new();
    for polygon in polygons {
        let rings = polygon
            .as_array()
            .context("polygon coordinates must be an array")?;
        let mut rings = rings.iter().map(wgs84_ring);
        let exterior = rings.next().context("a polygon without rings")??;
        let interiors = rings.collect::<anyhow::Result<Vec<_>>>()?;
        parts.push(Polygon::new(exterior, interiors));
    }
    // A union with nothing resolves self-touching vertices and duplicate
    // points, leaving clean rings for the cuts below.
    let clean = MultiPolygon::new(parts).union(&MultiPolygon::<f64>::new(vec![]));
    if clean.unsigned_area() <= 0.0 {
        bail!("{}: the boundary encloses no area", path.display());
    }
    Ok(clean)
}

/// One GeoJSON ring of GCJ-02 `[lon, lat]` pairs as a WGS-84 ring.
fn wgs84_ring(ring: &serde_json::Value) -> anyhow::Result<LineString<f64>> {
    let points = ring.as_array().context("a ring must be an array")?;
    let mut coords: Vec<Coord<f64>> = Vec::with_capacity(points.len());
    for point in points {
        let (Some(lon), Some(lat)) = (point[0].as_f64(), point[1].as_f64()) else {
            bail!("a vertex must be [lon, lat]");
        };
        let (lat, lon) = gcj02_to_wgs84(lat, lon);
        let coord = Coord { x: lon, y: lat };
        if coords.last() != Some(&coord) {
            coords.push(coord);
        }
    }
    Ok(LineString::new(coords))
}

/// Splits `region` into `weights.len()` pieces whose areas are proportional
/// to `weights`, in order.
pub fn split(region: &MultiPolygon<f64>, weights: &[f64]) -> Vec<MultiPolygon<f64>> {
    if weights.len() <= 1 {
        return vec![region.clone()];
    }
    let Some(bounds) = region.bounding_rect() else {
        // Nothing to divide: every piece is empty.
        return vec![MultiPolygon::new(vec![]); weights.len()];
    };
    let half = weights.len() / 2;
    let fraction = weights[..half].iter().sum::<f64>() / weights.iter().sum::<f64>();

    let mid_lat = (bounds.min().y + bounds.max().y) / 2.0;
    let axis = if bounds.width() * mid_lat.to_radians().cos() >= bounds.height() {
        Axis::Lon
    } else {
        Axis::Lat
    };
    let cut = find_cut(region, axis, bounds, fraction);

    // Rectangles a little larger than the region, meeting at the cut.
    let margin = bounds.width().max(bounds.height()) * 0.01;
    let (x0, y0) = (bounds.min().x - margin, bounds.min().y - margin);
    let (x1, y1) = (bounds.max().x + margin, bounds.max().y + margin);
    let (low, high) = match axis {
        Axis::Lon => (rect(x0, y0, cut, y1), rect(cut, y0, x1, y1)),
        Axis::Lat => (rect(x0, y0, x1, cut), rect(x0, cut, x1, y1)),
    };
    let low = without_slivers(region.intersection(&low));
    let high = without_slivers(region.intersection(&high));

    let mut pieces = split(&low, &weights[..half]);
    pieces.extend(split(&high, &weights[half..]));
    pieces
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }).to_polygon()
}

#[derive(Debug, Clone, Copy)]
enum Axis {
    Lon,
    Lat,
}

/// The coordinate along `axis` below which `fraction` of the region's area
/// lies, by bisection on a cheap half-plane clip.
fn find_cut(region: &MultiPolygon<f64>, axis: Axis, bounds: Rect<f64>, fraction: f64) -> f64 {
    let (mut lo, mut hi) = match axis {
        Axis::Lon => (bounds.min().x, bounds.max().x),
        Axis::Lat => (bounds.min().y, bounds.max().y),
    };
    let target = fraction * area_below(region, axis, hi);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if area_below(region, axis, mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// The area of the part of `region` whose `axis` coordinate is at most `cut`.
///
/// Clipping a ring against one half-plane (Sutherland–Hodgman) may leave
/// zero-width spurs along the cut when the ring is concave, but its signed
/// area is exact, and the area is all the bisection needs.
fn area_below(region: &MultiPolygon<f64>, axis: Axis, cut: f64) -> f64 {
    let ring_area = |ring: &LineString<f64>| clipped_ring_area(&ring.0, axis, cut).abs();
    region
        .iter()
        .map(|p| ring_area(p.exterior()) - p.interiors().iter().map(ring_area).sum::<f64>())
        .sum()
}

fn clipped_ring_area(ring: &[Coord<f64>], axis: Axis, cut: f64) -> f64 {
    let along = |c: &Coord<f64>| match axis {
        Axis::Lon => c.x,
        Axis::Lat => c.y,
    };
    let crossing = |a: &Coord<f64>, b: &Coord<f64>| {
        let t = (cut - along(a)) / (along(b) - along(a));
        Coord {
            x: a.x + t * (b.x - a.x),
            y: a.y + t * (b.y - a.y),
        }
    };
    let mut kept: Vec<Coord<f64>> = Vec::with_capacity(ring.len() + 4);
    for pair in ring.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        match (along(a) <= cut, along(b) <= cut) {
            (true, true) => kept.push(*b),
            (true, false) => kept.push(crossing(a, b)),
            (false, true) => {
                kept.push(crossing(a, b));
                kept.push(*b);
            }
            (false, false) => {}
        }
    }
    shoelace(&kept)
}

/// The shoelace formula: the signed area of a ring given without its
/// closing point.
fn shoelace(points: &[Coord<f64>]) -> f64 {
    let n = points.len();
    if n < 3 {
        return 0.0;
    }
    let twice: f64 = (0..n)
        .map(|i| points[i].x * points[(i + 1) % n].y - points[(i + 1) % n].x * points[i].y)
        .sum();
    twice / 2.0
}

fn without_slivers(region: MultiPolygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon::new(
        region
            .into_iter()
            .filter(|p| p.unsigned_area() > SLIVER_AREA)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(size: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![rect(0.0, 0.0, size, size)])
    }

    #[test]
    fn pieces_have_areas_proportional_to_their_weights_and_add_up() {
        let region = square(1.0);

        let pieces = split(&region, &[1.0, 2.0, 3.0, 4.0]);

        let areas: Vec<f64> = pieces.iter().map(|p| p.unsigned_area()).collect();
        for (area, weight) in areas.iter().zip([0.1, 0.2, 0.3, 0.4]) {
            assert!((area - weight).abs() < 1e-6, "areas {areas:?}");
        }
    }

    #[test]
    fn the_half_plane_area_of_a_concave_ring_is_exact() {
        // A U: a 3x1 base with two 1x2 legs; below y = 2 lie the base and half of each leg.
        let u = [
            (0., 0.),
            (3., 0.),
            (3., 3.),
            (2., 3.),
            (2., 1.),
            (1., 1.),
            (1., 3.),
            (0., 3.),
            (0., 0.),
        ];
        let ring: Vec<Coord<f64>> = u.iter().map(|&(x, y)| Coord { x, y }).collect();

        let below_two = clipped_ring_area(&ring, Axis::Lat, 2.0).abs();

        assert!((below_two - 5.0).abs() < 1e-12, "{below_two}");
    }
}
