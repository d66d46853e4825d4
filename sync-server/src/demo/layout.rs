//! Where every grid is: the division tree laid over the carved boundary.

use geo::MultiPolygon;

use super::carve::split;
use super::divisions::{is_rural, short_name, Division, Huiji};
use super::shape::Shape;

/// One grid to build, with its place in the hierarchy and its shape.
pub struct GridPlan<'h> {
    /// `{community code}-{nn}`.
    pub code: String,
    /// `{community}第{n}网格`.
    pub name: String,
    /// Grid number within its community, from 1.
    pub number: u32,
    /// The township's position in code order, from 1.
    pub township_index: usize,
    /// The community's position in its township, in code order, from 1.
    pub community_index: usize,
    pub township: &'h Division,
    pub community: &'h Division,
    /// The community's everyday name, e.g. `金河社区` or `毛庄村`.
    pub place: String,
    pub rural: bool,
    pub shape: Shape,
}

/// Carves the district into townships sized by how many communities each
/// has, each township into equal communities and each community into
/// `per_community` equal grids, in code order.
pub fn plan<'h>(
    huiji: &'h Huiji,
    boundary: &MultiPolygon<f64>,
    per_community: u32,
) -> anyhow::Result<Vec<GridPlan<'h>>> {
    let township_weights: Vec<f64> = huiji
        .townships
        .iter()
        .map(|t| t.communities.len() as f64)
        .collect();
    let township_pieces = split(boundary, &township_weights);

    let mut grids = Vec::new();
    for (t, (township, township_piece)) in huiji.townships.iter().zip(&township_pieces).enumerate()
    {
        let community_pieces = split(township_piece, &vec![1.0; township.communities.len()]);
        for (c, (community, community_piece)) in township
            .communities
            .iter()
            .zip(&community_pieces)
            .enumerate()
        {
            let grid_pieces = split(community_piece, &vec![1.0; per_community as usize]);
            let place = short_name(&community.name);
            for (g, grid_piece) in grid_pieces.iter().enumerate() {
                let number = g as u32 + 1;
                grids.push(GridPlan {
                    code: format!("{}-{number:02}", community.code),
                    name: format!("{place}第{number}网格"),
                    number,
                    township_index: t + 1,
                    community_index: c + 1,
                    township: &township.division,
                    community,
                    place: place.clone(),
                    rural: is_rural(&community.code),
                    shape: Shape::from_piece(grid_piece).map_err(|e| {
                        anyhow::anyhow!("carving grid {}-{number:02}: {e}", community.code)
                    })?,
                });
            }
        }
    }
    Ok(grids)
}
