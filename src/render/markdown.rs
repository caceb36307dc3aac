//! Goal results as markdown.

use crate::goals::GoalResult;

pub fn check(_workspace: &str, _results: &[GoalResult]) -> String {
    String::new()
}
