//! A source's role (issue 16): the brand's `own` accounts, whose records make
//! every figure of the workspace, or a `competitor`'s public page, whose
//! records go to the competitor panel only and never change an own figure.

/// What a `[[source]]` holds: `role = "own"` (the default) or `"competitor"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Own,
    Competitor,
}

impl Role {
    pub const NAMES: [&'static str; 2] = ["own", "competitor"];

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "own" => Some(Role::Own),
            "competitor" => Some(Role::Competitor),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Own => "own",
            Role::Competitor => "competitor",
        }
    }
}
