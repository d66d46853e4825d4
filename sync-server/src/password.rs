//! Account passwords, stored as argon2id PHC strings.
//!
//! A PHC string (`$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`) carries its own
//! parameters and salt, so a hash made today still verifies after the
//! defaults change. Hashing uses the `argon2` crate's defaults (argon2id,
//! 19 MiB, two passes), the OWASP minimum for interactive logins.

use anyhow::anyhow;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

/// The length of a salt in bytes: the 128 bits the PHC format recommends.
pub const SALT_LEN: usize = 16;

/// Hashes a password with a fresh random salt from the operating system.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; SALT_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    hash_password_with_salt(password, &salt)
}

/// Hashes a password with a salt the caller chose.
///
/// Only the demo generator should call this: it draws salts from its seeded
/// generator so that the same seed builds the same database, which is
/// harmless there because the demo's passwords are printed anyway. Anywhere
/// else a reused salt would let equal passwords be spotted by equal hashes;
/// use [`hash_password`].
pub fn hash_password_with_salt(password: &str, salt: &[u8; SALT_LEN]) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(salt).map_err(|e| anyhow!("encoding a salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow!("hashing a password: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `phc`. A malformed PHC string
/// matches nothing.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let phc = hash_password("qa7mh3kx2p").unwrap();

        assert!(verify_password("qa7mh3kx2p", &phc));
        assert!(
            !verify_password("qa7mh3kx2q", &phc),
            "one changed character must fail"
        );
        assert!(!verify_password("", &phc));
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_with_distinct_random_salts() {
        let first = hash_password("same password").unwrap();
        let second = hash_password("same password").unwrap();

        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(
            first, second,
            "two hashes of one password must differ by their salts"
        );
    }

    #[test]
    fn a_chosen_salt_gives_the_same_hash_every_time() {
        let salt = [7u8; SALT_LEN];

        let first = hash_password_with_salt("demo", &salt).unwrap();
        let second = hash_password_with_salt("demo", &salt).unwrap();

        assert_eq!(first, second);
        assert!(verify_password("demo", &first));
    }

    #[test]
    fn a_malformed_hash_matches_no_password() {
        assert!(!verify_password("anything", "not a phc string"));
        assert!(!verify_password("", ""));
    }
}
