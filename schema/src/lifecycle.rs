//! The life of an issue: which step moves it from which state to which, and
//! who may take each step.
//!
//! The relay enforces this table; the device uses the same table to show a
//! step's result at once, before the relay has confirmed it.
//!
//! ```text
//! reported ─accept→ accepted ─dispatch→ dispatched ─start→ handling ─handle→ handled
//!                                                                        │ verify
//!   returned ←return─ handled          escalated ←escalate─ (open, grid)  ↓
//!   supervised ←supervise─ (open)                                   verified ─close→ closed
//!   (reported, accepted or dispatched) ─merge→ closed, as a duplicate
//! ```

use crate::domain::IssueStatus::{self, *};

vocabulary! {
    /// A step in an issue's timeline.
    EventKind {
        Accept => "accept", "受理", "Accept";
        Dispatch => "dispatch", "派遣", "Dispatch";
        Start => "start", "接单处置", "Start handling";
        Handle => "handle", "处置完成", "Mark handled";
        Return => "return", "退回", "Return";
        Verify => "verify", "核查通过", "Verify";
        Close => "close", "结案", "Close";
        Escalate => "escalate", "疑难上报", "Escalate";
        Supervise => "supervise", "督办", "Supervise";
        /// Closes a report that repeats another; it earns no points.
        Merge => "merge", "合并重复", "Merge as a duplicate";
        Note => "note", "补充说明", "Add a note";
    }
}

/// Who takes a step: the grid leader on a device, or the district platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Leader,
    Platform,
}

impl EventKind {
    /// The states this step may start from; `None` means any state (a note).
    pub fn allowed_from(self) -> Option<&'static [IssueStatus]> {
        Some(match self {
            EventKind::Accept => &[Reported],
            EventKind::Dispatch => &[Accepted, Escalated, Returned],
            EventKind::Start => &[Dispatched, Returned, Supervised],
            EventKind::Handle => &[Handling, Supervised],
            EventKind::Return => &[Handled],
            EventKind::Verify => &[Handled],
            EventKind::Close => &[Verified],
            EventKind::Escalate => &[Dispatched, Handling, Returned, Supervised],
            EventKind::Supervise => &[Accepted, Dispatched, Handling, Returned, Escalated],
            EventKind::Merge => &[Reported, Accepted, Dispatched],
            EventKind::Note => return None,
        })
    }

    /// The state the step leads to from `from`.
    pub fn target(self, from: IssueStatus) -> IssueStatus {
        match self {
            EventKind::Accept => Accepted,
            EventKind::Dispatch => Dispatched,
            EventKind::Start => Handling,
            EventKind::Handle => Handled,
            EventKind::Return => Returned,
            EventKind::Verify => Verified,
            EventKind::Close => Closed,
            EventKind::Escalate => Escalated,
            EventKind::Supervise => Supervised,
            EventKind::Merge => Closed,
            EventKind::Note => from,
        }
    }

    /// Whether `actor` may take this step at all.
    pub fn permitted_to(self, actor: Actor) -> bool {
        match actor {
            Actor::Platform => true,
            Actor::Leader => matches!(
                self,
                EventKind::Start | EventKind::Handle | EventKind::Escalate | EventKind::Note
            ),
        }
    }

    /// Whether the step must carry at least one photo (evidence of handling).
    pub fn needs_photo(self) -> bool {
        self == EventKind::Handle
    }

    /// Whether the step must carry a note (the reason for escalating or returning).
    pub fn needs_note(self) -> bool {
        matches!(self, EventKind::Escalate | EventKind::Return)
    }
}

/// Why a step did not move the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The issue had moved on since the actor last saw it.
    Stale {
        expected: IssueStatus,
        found: IssueStatus,
    },
    /// The step does not start from the issue's state.
    NotFrom(IssueStatus),
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Stale { .. } => "stale_transition",
            Refusal::NotFrom(_) => "transition_not_allowed",
        }
    }

    /// An operator-facing explanation, in English; the UI words its own.
    pub fn message(self, kind: EventKind) -> String {
        match self {
            Refusal::Stale { expected, found } => {
                format!("{kind} was taken on a {expected} issue, which is now {found}")
            }
            Refusal::NotFrom(found) => format!("{kind} does not apply to a {found} issue"),
        }
    }
}

/// What `kind` does to an issue now in `current`, taken by an actor who saw
/// it in `expected` (if they said): the new state, or why it stays.
pub fn step(
    kind: EventKind,
    current: IssueStatus,
    expected: Option<IssueStatus>,
) -> Result<IssueStatus, Refusal> {
    let Some(allowed) = kind.allowed_from() else {
        return Ok(current);
    };
    if let Some(expected) = expected {
        if expected != current {
            return Err(Refusal::Stale {
                expected,
                found: current,
            });
        }
    }
    if !allowed.contains(&current) {
        return Err(Refusal::NotFrom(current));
    }
    Ok(kind.target(current))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dispatched_task_goes_through_handling_to_closed() {
        let mut s = Dispatched;
        for kind in [
            EventKind::Start,
            EventKind::Handle,
            EventKind::Verify,
            EventKind::Close,
        ] {
            s = step(kind, s, Some(s)).unwrap();
        }
        assert_eq!(s, Closed);
    }

    #[test]
    fn a_step_taken_on_an_outdated_view_is_stale_and_names_both_states() {
        let refusal = step(EventKind::Handle, Returned, Some(Handling)).unwrap_err();

        assert_eq!(
            refusal,
            Refusal::Stale {
                expected: Handling,
                found: Returned
            }
        );
        assert_eq!(refusal.code(), "stale_transition");
        assert!(refusal.message(EventKind::Handle).contains("now returned"));
    }

    #[test]
    fn a_closed_issue_accepts_notes_but_no_other_step() {
        assert_eq!(step(EventKind::Note, Closed, Some(Handled)), Ok(Closed));
        for kind in EventKind::ALL.iter().filter(|k| **k != EventKind::Note) {
            assert_eq!(
                step(*kind, Closed, None),
                Err(Refusal::NotFrom(Closed)),
                "{kind}"
            );
        }
    }

    #[test]
    fn leaders_may_only_start_handle_escalate_and_note() {
        let leader: Vec<_> = EventKind::ALL
            .iter()
            .filter(|k| k.permitted_to(Actor::Leader))
            .collect();

        assert_eq!(
            leader,
            [
                &EventKind::Start,
                &EventKind::Handle,
                &EventKind::Escalate,
                &EventKind::Note
            ]
        );
        assert!(EventKind::ALL
            .iter()
            .all(|k| k.permitted_to(Actor::Platform)));
    }

    #[test]
    fn every_step_but_a_note_leads_somewhere_reachable_from_each_allowed_state() {
        for kind in EventKind::ALL {
            for from in kind.allowed_from().unwrap_or(&[]) {
                let to = step(*kind, *from, Some(*from)).unwrap();
                assert_ne!(to, *from, "{kind} from {from} must move the issue");
            }
        }
    }
}
