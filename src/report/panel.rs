//! The "vs competitors" section of a network with a competitor panel
//! (issue 16): the panel's comparable KPIs in the report's period, each
//! account's value and rank; ER by followers over the periods up to the
//! report's, one line per account; and the brand's share of voice.

use super::charts::{ChartSpan, chart_periods};
use super::model::{Chart, PanelAccount, PanelCell, PanelKpi, PanelLine, PanelSection, Point};
use super::value::diag;
use crate::aggregate::{Cube, Grain, Period};
use crate::error::Result;
use crate::kpi::public::{Comparable, comparable};
use crate::panel::{Panel, Standing, network_view};
use crate::session::Session;

/// The KPIs a panel section compares, when the library has them and they
/// are comparable (a workspace may override one with a private metric).
const KPIS: &[&str] = &[
    "er",
    "love_rate",
    "talk_rate",
    "amplification_rate",
    "posting_frequency",
    "follower_growth_pop",
    "views_per_post",
];

/// The account every own row stands for; `Some("")` keeps own accounts
/// with a value only (an ads account has no followers to rank by).
const OWN_WITH_VALUES: Option<&str> = Some("");

pub fn section(
    s: &Session,
    main: &Cube,
    panel: &Cube,
    network: &str,
    grain: Grain,
    period: Period,
    span: &ChartSpan,
) -> Result<Option<PanelSection>> {
    let p = Panel::new(s, main, panel, network, grain);
    if p.own_accounts().is_empty() || p.competitors().is_empty() {
        return Ok(None);
    }
    let mut names: Vec<String> = KPIS.iter().map(|k| k.to_string()).collect();
    for g in s.ws.goals.iter().filter(|g| g.against.is_some()) {
        if g.filter.network.as_deref() == Some(network) && !names.contains(&g.kpi) {
            names.push(g.kpi.clone());
        }
    }
    let mut kpis = Vec::new();
    let mut standings: Vec<Standing> = Vec::new();
    for k in names {
        if s.library.get(&k).is_none() || comparable(&s.library, &k) != Comparable::Yes {
            continue;
        }
        let st = p.standing(&k, period, OWN_WITH_VALUES).map_err(diag)?;
        if st.ranked() == 0 {
            continue;
        }
        kpis.push(PanelKpi {
            unit: s.unit_of(&k),
            title: s.kpi_title(&k),
            name: k,
        });
        standings.push(st);
    }
    // Own accounts first, then competitors, each in name order.
    let mut accounts: Vec<(bool, String)> = standings
        .iter()
        .flat_map(|st| st.entries.iter().map(|e| (!e.own, e.account.clone())))
        .collect();
    accounts.sort();
    accounts.dedup();
    let accounts: Vec<PanelAccount> = accounts
        .into_iter()
        .map(|(theirs, account)| PanelAccount {
            cells: standings
                .iter()
                .map(|st| {
                    let e = st.get(&account);
                    PanelCell {
                        value: e.and_then(|e| e.value.number()),
                        rank: e.and_then(|e| e.rank),
                        of: st.ranked(),
                        reason: e.and_then(|e| e.value.reason().map(str::to_string)),
                    }
                })
                .collect(),
            own: !theirs,
            account,
        })
        .collect();

    // ER by followers over time, one line per account of the table.
    let cal = s.ws.calendar;
    let periods = chart_periods(&cal, grain, span);
    let mut lines: Vec<PanelLine> = accounts
        .iter()
        .map(|a| PanelLine {
            account: a.account.clone(),
            own: a.own,
            values: Vec::new(),
        })
        .collect();
    let mut points = Vec::new();
    for q in &periods {
        let st = p.standing("er", *q, OWN_WITH_VALUES).map_err(diag)?;
        for l in &mut lines {
            l.values
                .push(st.get(&l.account).and_then(|e| e.value.number()));
        }
        let (a, b) = cal.bounds(*q, (span.first, span.as_of));
        points.push(Point {
            label: cal.label(*q),
            value: None,
            highlight: a <= span.end && b >= span.start,
            partial: q.grain != Grain::All && (a < span.first || b > span.as_of),
        });
    }
    lines.retain(|l| l.values.iter().any(Option::is_some));
    let er_chart = Chart {
        goal_id: format!("panel-{network}"),
        title: String::new(),
        kpi: "er".into(),
        kpi_title: s.kpi_title("er"),
        unit: "%".into(),
        currency: s.ws.currency.clone(),
        target: None,
        warn: None,
        points,
        results: Vec::new(),
        projection: None,
        decimals: 2,
    };

    // Share of voice: the network's own accounts together, against the panel.
    let view = network_view(network, grain, false);
    let evs = s.evaluators_with([view.clone()], main, Some(panel));
    let (mut sov, mut sov_e, mut why) = (None, None, None);
    if let Some(ev) = evs.get(&view)
        && let Some(i) = ev.groups().find(&[], period)
    {
        if s.library.get("share_of_voice").is_some() {
            let v = ev.eval("share_of_voice", i).map_err(diag)?;
            why = v.reason().map(str::to_string);
            sov = v.number();
        }
        if s.library.get("share_of_voice_engagement").is_some() {
            sov_e = ev
                .eval("share_of_voice_engagement", i)
                .map_err(diag)?
                .number();
        }
    }
    Ok(Some(PanelSection {
        kpis,
        accounts,
        er_chart,
        er_lines: lines,
        share_of_voice: sov,
        share_of_voice_engagement: sov_e,
        share_of_voice_reason: why,
    }))
}
