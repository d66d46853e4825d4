//! A hybrid logical clock for stamping operations.
//!
//! A stamp is the larger of the phone's wall clock and the last stamp, with
//! a counter that breaks ties, so stamps from one device strictly increase
//! even when the phone's clock jumps backwards. The text form sorts in the
//! same order as the stamps.

use std::fmt;

/// One clock reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub wall_ms: i64,
    pub counter: u32,
}

impl Stamp {
    /// The next stamp after `last`, given the wall clock now.
    pub fn next(last: Option<Stamp>, wall_ms: i64) -> Stamp {
        match last {
            Some(last) if last.wall_ms >= wall_ms => Stamp {
                wall_ms: last.wall_ms,
                counter: last.counter + 1,
            },
            _ => Stamp {
                wall_ms,
                counter: 0,
            },
        }
    }

    /// The text form with the device id: `<wall>-<counter>-<device>`.
    pub fn encode(self, device_id: &str) -> String {
        format!("{self}-{device_id}")
    }

    /// Parses the `<wall>-<counter>` prefix of a text stamp.
    pub fn parse(text: &str) -> Option<Stamp> {
        let mut parts = text.splitn(3, '-');
        let wall_ms = parts.next()?.parse().ok()?;
        let counter = parts.next()?.parse().ok()?;
        Some(Stamp { wall_ms, counter })
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}-{:05}", self.wall_ms, self.counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_keep_increasing_when_the_wall_clock_goes_backwards() {
        let a = Stamp::next(None, 1_000);
        let b = Stamp::next(Some(a), 900);
        let c = Stamp::next(Some(b), 2_000);

        assert!(a < b && b < c);
        assert!(a.encode("d") < b.encode("d") && b.encode("d") < c.encode("d"));
    }

    #[test]
    fn the_text_form_parses_back() {
        let s = Stamp {
            wall_ms: 1_733_300_000_000,
            counter: 7,
        };

        assert_eq!(Stamp::parse(&s.encode("0190-abc")), Some(s));
    }
}
