//! A KPI's value in one group of an evaluated view, as the report reads it.

use crate::aggregate::Period;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::kpi::{Evaluator, Value};

pub fn diag(d: Diagnostic) -> Error {
    Error::Diagnostics(Diagnostics(vec![d]))
}

/// A KPI's or metric's value in the group of `scope` and `period`; `None`
/// when there is no such group or the value is no data.
pub fn value_in(
    ev: &Evaluator,
    scope: &[Option<String>],
    period: Option<Period>,
    name: &str,
) -> Result<Option<f64>> {
    let Some(i) = period.and_then(|p| ev.groups().find(scope, p)) else {
        return Ok(None);
    };
    Ok(match ev.eval(name, i).map_err(diag)? {
        Value::Number(x) => Some(x),
        Value::NoData(_) => None,
    })
}
