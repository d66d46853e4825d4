//! A carved piece as Gridline stores it: rounded closed rings, a bounding
//! box, and points known to lie inside.

use anyhow::{bail, Context};
use geo::{InteriorPoint, MultiPolygon};
use gridline_schema::geo::polygons_contain;
use rand::Rng;

/// Decimal places kept in stored coordinates: 1e-7 degrees is about a
/// centimetre.
const DECIMALS: i32 = 7;

/// A grid's shape as it is stored and sent: closed outer rings of
/// `[lon, lat]`, rounded, with their bounding box and a point inside.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub rings: Vec<Vec<[f64; 2]>>,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    /// `[lon, lat]` inside one of the rings.
    pub inside: [f64; 2],
}

impl Shape {
    /// Rounds a carved piece into a stored shape.
    pub fn from_piece(piece: &MultiPolygon<f64>) -> anyhow::Result<Shape> {
        let mut rings = Vec::new();
        for polygon in piece {
            // A simply connected outline clipped by rectangles stays simply
            // connected, so a hole here means the input was not what the
            // carving assumes.
            if !polygon.interiors().is_empty() {
                bail!("a carved piece has a hole, which grid boundaries cannot express");
            }
            let mut ring: Vec<[f64; 2]> = Vec::with_capacity(polygon.exterior().0.len());
            for c in polygon.exterior().coords() {
                let point = [round(c.x), round(c.y)];
                if ring.last() != Some(&point) {
                    ring.push(point);
                }
            }
            if ring.first() != ring.last() {
                ring.push(ring[0]);
            }
            if ring.len() >= 4 {
                rings.push(ring);
            }
        }
        let points = || rings.iter().flatten();
        let Some(first) = points().next() else {
            bail!("a carved piece is empty");
        };
        let (mut min_lon, mut min_lat, mut max_lon, mut max_lat) =
            (first[0], first[1], first[0], first[1]);
        for [lon, lat] in points() {
            (min_lon, max_lon) = (min_lon.min(*lon), max_lon.max(*lon));
            (min_lat, max_lat) = (min_lat.min(*lat), max_lat.max(*lat));
        }
        let inside = interior(piece, &rings, [min_lon, min_lat, max_lon, max_lat])
            .context("found no point inside a carved piece")?;
        Ok(Shape {
            rings,
            min_lon,
            min_lat,
            max_lon,
            max_lat,
            inside,
        })
    }

    /// A random `[lon, lat]` inside the shape, rounded to six decimals
    /// (about 10 cm); the fixed interior point if the shape is so thin that
    /// random tries keep missing it.
    pub fn random_point(&self, rng: &mut impl Rng) -> [f64; 2] {
        for _ in 0..200 {
            let lon = round6(rng.gen_range(self.min_lon..=self.max_lon));
            let lat = round6(rng.gen_range(self.min_lat..=self.max_lat));
            if polygons_contain(&self.rings, lon, lat) {
                return [lon, lat];
            }
        }
        self.inside
    }

    /// The shape as the JSON stored in `grids.boundary_json`.
    pub fn boundary_json(&self) -> String {
        serde_json::to_string(&self.rings).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// A point inside the rounded rings: geo's interior point when rounding
/// left it inside, else the first hit of a scan over the bounding box.
fn interior(
    piece: &MultiPolygon<f64>,
    rings: &[Vec<[f64; 2]>],
    bbox: [f64; 4],
) -> Option<[f64; 2]> {
    if let Some(p) = piece.interior_point() {
        let (lon, lat) = (round6(p.x()), round6(p.y()));
        if polygons_contain(rings, lon, lat) {
            return Some([lon, lat]);
        }
    }
    const STEPS: usize = 97;
    let [min_lon, min_lat, max_lon, max_lat] = bbox;
    (1..STEPS)
        .flat_map(|i| (1..STEPS).map(move |j| (i, j)))
        .find_map(|(i, j)| {
            let lon = round6(min_lon + (max_lon - min_lon) * i as f64 / STEPS as f64);
            let lat = round6(min_lat + (max_lat - min_lat) * j as f64 / STEPS as f64);
            polygons_contain(rings, lon, lat).then_some([lon, lat])
        })
}

fn round(value: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    (value * scale).round() / scale
}

fn round6(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Coord, Rect};

    fn square(size: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord { x: size, y: size },
        )
        .to_polygon()])
    }

    #[test]
    fn a_shape_is_closed_rounded_and_holds_its_interior_point() {
        let piece = square(0.123456789);

        let shape = Shape::from_piece(&piece).unwrap();

        let ring = &shape.rings[0];
        assert_eq!(ring.first(), ring.last());
        assert!(ring
            .iter()
            .flatten()
            .all(|v| (v * 1e7 - (v * 1e7).round()).abs() < 1e-6));
        assert!(polygons_contain(
            &shape.rings,
            shape.inside[0],
            shape.inside[1]
        ));
    }
}
