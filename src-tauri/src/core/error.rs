//! The device core's one error type.
//!
//! Every variant has a stable [`CoreError::code`] that the UI maps to a
//! localized message; the English `Display` text is for logs only and never
//! carries personal data.

use super::photo::PhotoError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    #[error("not logged in")]
    NotLoggedIn,
    #[error("relay unreachable: {0}")]
    RelayUnreachable(String),
    #[error("relay answered {status}: {code}: {message}")]
    Relay {
        status: u16,
        code: String,
        message: String,
    },
    #[error("account or password is wrong")]
    LoginFailed,
    #[error("the device's session was refused by the relay; log in again")]
    SessionExpired,
    #[error("relay address is not a valid http(s) URL")]
    InvalidServer,
    #[error("a report needs a description")]
    DescriptionEmpty,
    #[error("description is longer than {max} characters")]
    DescriptionTooLong { max: usize },
    #[error("unknown domain or focus tag")]
    DomainRequired,
    #[error("position is not a real WGS-84 fix")]
    PositionInvalid,
    #[error(transparent)]
    Photo(#[from] PhotoError),
    #[error("photo {0} is not on this device")]
    PhotoNotFound(String),
    #[error("a sync is already running")]
    SyncInProgress,
    #[error("{0} operations are not yet synced")]
    PendingOps(i64),
    /// A registry field the leader typed does not pass its check.
    #[error(transparent)]
    Field(#[from] gridline_schema::validate::fields::FieldError),
    #[error("the row is not on this device")]
    RowMissing,
    #[error("residents still live in this household")]
    HouseholdNotEmpty,
    /// The step does not apply: not a leader's step, or not from this state.
    #[error("this step cannot be taken now ({0})")]
    StepNotAllowed(String),
    #[error("this step needs a note saying why")]
    NoteRequired,
    #[error("marking an issue handled needs a photo of the result")]
    PhotoRequired,
    #[error("no position shows the photo was taken at the scene")]
    PositionRequired,
    #[error("the after photo was taken {distance_m} m from the issue; at most {limit_m} m")]
    TooFarFromIssue { distance_m: u32, limit_m: u32 },
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the new password needs 8 to 128 characters and must differ from the current one")]
    WeakPassword,
    #[error("local database: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("local files: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Internal(String),
}

impl CoreError {
    /// The stable code the UI chooses its message by.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::NotLoggedIn => "not_logged_in",
            CoreError::RelayUnreachable(_) => "relay_unreachable",
            CoreError::Relay { .. } => "relay_error",
            CoreError::LoginFailed => "login_failed",
            CoreError::SessionExpired => "session_expired",
            CoreError::InvalidServer => "invalid_server",
            CoreError::DescriptionEmpty => "description_empty",
            CoreError::DescriptionTooLong { .. } => "description_too_long",
            CoreError::DomainRequired => "domain_required",
            CoreError::PositionInvalid => "position_invalid",
            CoreError::Photo(e) => e.code(),
            CoreError::PhotoNotFound(_) => "photo_not_found",
            CoreError::SyncInProgress => "sync_in_progress",
            CoreError::PendingOps(_) => "pending_ops",
            CoreError::Field(e) => e.code(),
            CoreError::RowMissing => "row_missing",
            CoreError::HouseholdNotEmpty => "household_not_empty",
            CoreError::StepNotAllowed(_) => "step_not_allowed",
            CoreError::NoteRequired => "note_required",
            CoreError::PhotoRequired => "photo_required",
            CoreError::PositionRequired => "position_required",
            CoreError::TooFarFromIssue { .. } => "too_far_from_issue",
            CoreError::WrongPassword => "wrong_password",
            CoreError::WeakPassword => "weak_password",
            CoreError::Storage(_) | CoreError::Io(_) => "storage",
            CoreError::Internal(_) => "internal",
        }
    }

    /// Whether the failure is the network's, so the work stays queued.
    pub fn is_offline(&self) -> bool {
        matches!(self, CoreError::RelayUnreachable(_))
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        CoreError::Internal(format!("json: {e}"))
    }
}

/// What the UI receives when a command fails.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
}

impl From<&CoreError> for ErrorInfo {
    fn from(e: &CoreError) -> Self {
        ErrorInfo {
            code: e.code().to_owned(),
            message: e.to_string(),
        }
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One example of every variant, so a new variant must be listed here.
    fn every_variant() -> Vec<CoreError> {
        vec![
            CoreError::NotLoggedIn,
            CoreError::RelayUnreachable(String::new()),
            CoreError::Relay {
                status: 500,
                code: String::new(),
                message: String::new(),
            },
            CoreError::LoginFailed,
            CoreError::SessionExpired,
            CoreError::InvalidServer,
            CoreError::DescriptionEmpty,
            CoreError::DescriptionTooLong { max: 1 },
            CoreError::DomainRequired,
            CoreError::PositionInvalid,
            CoreError::Photo(PhotoError::Empty),
            CoreError::Photo(PhotoError::Unsupported { format: "HEIC" }),
            CoreError::Photo(PhotoError::Decode(String::new())),
            CoreError::Photo(PhotoError::TooLarge {
                width: 1,
                height: 1,
            }),
            CoreError::PhotoNotFound(String::new()),
            CoreError::SyncInProgress,
            CoreError::PendingOps(1),
            CoreError::RowMissing,
            CoreError::HouseholdNotEmpty,
            CoreError::StepNotAllowed(String::new()),
            CoreError::NoteRequired,
            CoreError::PhotoRequired,
            CoreError::PositionRequired,
            CoreError::TooFarFromIssue {
                distance_m: 1,
                limit_m: 1,
            },
            CoreError::WrongPassword,
            CoreError::WeakPassword,
            CoreError::Storage(rusqlite::Error::InvalidQuery),
            CoreError::Io(std::io::Error::other("disk full")),
            CoreError::Internal(String::new()),
        ]
    }

    /// Every code a registry field check can fail with.
    fn field_codes() -> Vec<&'static str> {
        use gridline_schema::validate::fields::FieldError;
        let mut codes = vec![
            FieldError::NotEditable(String::new()).code(),
            FieldError::Empty(String::new()).code(),
            FieldError::TooLong(String::new()).code(),
            FieldError::WrongType {
                field: String::new(),
                expected: "",
            }
            .code(),
        ];
        codes.extend([
            "id_length",
            "id_character",
            "id_region",
            "id_birth_date",
            "id_check_char",
            "credit_code_length",
            "credit_code_character",
            "credit_code_region",
            "credit_code_check_char",
            "mobile_length",
            "mobile_character",
            "mobile_prefix",
            "invalid_gender",
            "invalid_relation",
            "invalid_date",
            "invalid_members",
            "invalid_care_tag",
            "invalid_position",
            "invalid_household",
        ]);
        codes
    }

    #[test]
    fn every_field_check_code_is_one_the_ui_knows() {
        let ui_types = include_str!("../../../ui/src/types.ts");
        let source = include_str!("../../../schema/src/validate/fields.rs");

        for code in field_codes() {
            assert!(
                ui_types.contains(&format!("'{code}'")),
                "ui/src/types.ts lacks {code}"
            );
        }
        // Each literal code the field checks use is in the list above.
        for literal in source.split('"').skip(1).step_by(2) {
            if literal.starts_with("invalid_") {
                assert!(
                    field_codes().contains(&literal),
                    "{literal} is missing from field_codes"
                );
            }
        }
    }

    #[test]
    fn the_ui_has_a_message_for_every_error_code_the_core_can_send() {
        let ui_types = include_str!("../../../ui/src/types.ts");

        for e in every_variant() {
            let quoted = format!("'{}'", e.code());
            assert!(
                ui_types.contains(&quoted),
                "ui/src/types.ts lacks error code {quoted}"
            );
        }
    }
}
