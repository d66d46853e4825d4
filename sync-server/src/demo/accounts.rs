//! Grid leaders' accounts, the platform's API key and the credentials file
//! that hands them to whoever runs the demo.
//!
//! Account names are short and typeable on a phone: `hj`, the township's
//! and the community's positions in code order, and the grid number, e.g.
//! `hj0103-2`. Passwords avoid characters that are easy to misread (0/O,
//! 1/l/I) and need no shift key.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::password::{hash_password_with_salt, SALT_LEN};

/// Lower-case letters and digits without 0, 1, l and o.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
const PASSWORD_LEN: usize = 10;

const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const API_KEY_LEN: usize = 32;

/// The file the demo writes its credentials to, inside the data folder.
pub const CREDENTIALS_FILE: &str = "demo-credentials.json";

/// A division as the credentials file names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// A WGS-84 point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

/// One grid leader's login, with where the grid is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leader {
    pub account: String,
    pub password: String,
    pub display_name: String,
    pub grid_code: String,
    pub grid_name: String,
    pub township: Named,
    pub community: Named,
    /// A point inside the grid, for placing a test report.
    pub point: Point,
}

/// The contents of `demo-credentials.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Credentials {
    pub district: Named,
    pub api_key: String,
    pub relay_data: PathBuf,
    pub leaders: Vec<Leader>,
}

/// The account name of the `grid`-th grid of the `community`-th community
/// of the `township`-th township, all counted from 1.
pub fn account_name(township: usize, community: usize, grid: u32) -> String {
    format!("hj{township:02}{community:02}-{grid}")
}

/// A password to type on a phone keyboard.
pub fn new_password(rng: &mut impl Rng) -> String {
    random_text(rng, PASSWORD_ALPHABET, PASSWORD_LEN)
}

/// An API key and the hex SHA-256 that is stored in its place.
pub fn new_api_key(rng: &mut impl Rng) -> (String, String) {
    let key = random_text(rng, TOKEN_ALPHABET, API_KEY_LEN);
    let digest = hex::encode(Sha256::digest(key.as_bytes()));
    (key, digest)
}

fn random_text(rng: &mut impl Rng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())]))
        .collect()
}

/// Hashes every password with its salt, on all cores: argon2id is slow by
/// design and a few hundred hashes are most of the demo's run time.
pub fn hash_all(jobs: &[(String, [u8; SALT_LEN])]) -> anyhow::Result<Vec<String>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = jobs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(password, salt)| hash_password_with_salt(password, salt))
                        .collect::<anyhow::Result<Vec<String>>>()
                })
            })
            .collect();
        let mut hashes = Vec::with_capacity(jobs.len());
        for handle in handles {
            let part = handle
                .join()
                .map_err(|_| anyhow::anyhow!("a hashing thread panicked"))?;
            hashes.extend(part?);
        }
        Ok(hashes)
    })
}

/// Writes the credentials file, readable by its owner only: it holds every
/// password of the demo. Returns its path.
pub fn write_credentials(data_dir: &Path, credentials: &Credentials) -> anyhow::Result<PathBuf> {
    let path = data_dir.join(CREDENTIALS_FILE);
    let json = serde_json::to_string_pretty(credentials)?;
    // Removing first makes the mode below apply even if an older file was
    // created more permissively.
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("removing the old {}", path.display()));
        }
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(json.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn account_names_pad_township_and_community_to_two_digits() {
        assert_eq!(account_name(1, 3, 2), "hj0103-2");
        assert_eq!(account_name(5, 16, 1), "hj0516-1");
    }

    #[test]
    fn passwords_avoid_characters_that_are_easy_to_misread() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);

        for _ in 0..200 {
            let password = new_password(&mut rng);
            assert_eq!(password.len(), PASSWORD_LEN);
            assert!(
                !password.contains(['0', 'O', '1', 'l', 'I', 'o']),
                "{password}"
            );
        }
    }

    #[test]
    fn the_stored_api_key_digest_is_the_hex_sha256_of_the_key() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);

        let (key, digest) = new_api_key(&mut rng);

        assert_eq!(key.len(), API_KEY_LEN);
        assert_eq!(digest, hex::encode(Sha256::digest(key.as_bytes())));
        assert_eq!(digest.len(), 64);
    }

    #[test]
    fn hashing_in_parallel_keeps_the_order_of_the_passwords() {
        let jobs: Vec<(String, [u8; SALT_LEN])> = (0..3)
            .map(|i| (format!("pw{i}"), [i as u8; SALT_LEN]))
            .collect();

        let hashes = hash_all(&jobs).unwrap();

        for ((password, _), hash) in jobs.iter().zip(&hashes) {
            assert!(crate::password::verify_password(password, hash));
        }
    }
}
