//! Micro-benchmarks of the stages the end-to-end benchmark (bench/run.sh)
//! spends its time in: the number parser, the delimited reader of the table
//! path, the cube that folds rows, and a whole `eval` of a canonical file.
//! `cargo bench` runs them; compare runs of one machine, not numbers across
//! machines.

use std::hint::black_box;

use clap::Parser;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kpiscope::aggregate::Cube;
use kpiscope::aggregate::batch::Batch;
use kpiscope::aggregate::period::{Calendar, Grain, parse_day};
use kpiscope::aggregate::spec::CubeSpec;
use kpiscope::records::{Catalog, Kind, Level, RowRef};
use kpiscope::sources::decode::{self, value::NumberStyle, value::parse_value};
use kpiscope::sources::number::parse_number;

/// Cells as the generator and real exports write them.
const CELLS: &[&str] = &[
    "61566", "11926", "0", "368", "24", "1252.5", "-3", "48", "7900", "",
];

fn numbers(c: &mut Criterion) {
    let cells: Vec<&str> = CELLS.iter().cycle().take(10_000).copied().collect();
    let mut g = c.benchmark_group("numbers");
    g.throughput(Throughput::Elements(cells.len() as u64));
    g.bench_function("parse_number (canonical)", |b| {
        b.iter(|| {
            cells
                .iter()
                .filter_map(|c| parse_number(black_box(c.as_bytes())))
                .sum::<f64>()
        })
    });
    // The same shapes with lengths that do not repeat in a short cycle, as
    // in real columns: a parser whose work depends on the length pays here
    // for the branches a ten-cell cycle lets the predictor learn.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let varied: Vec<String> = (0..10_000)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = seed % 10u64.pow(1 + (seed >> 32) as u32 % 8);
            match (seed >> 40) % 8 {
                0 => format!("{}.{}", n / 10, n % 10),
                1 => format!("-{n}"),
                _ => n.to_string(),
            }
        })
        .collect();
    g.bench_function("parse_number (varied lengths)", |b| {
        b.iter(|| {
            varied
                .iter()
                .filter_map(|c| parse_number(black_box(c.as_bytes())))
                .sum::<f64>()
        })
    });
    let exported: Vec<&str> = ["1,234", "12.5%", "1.2K", "-", "44", "3 400"]
        .iter()
        .cycle()
        .take(10_000)
        .copied()
        .collect();
    g.bench_function("parse_value (exports)", |b| {
        b.iter(|| {
            exported
                .iter()
                .filter_map(|c| {
                    parse_value(black_box(c), NumberStyle::default())
                        .ok()
                        .flatten()
                })
                .sum::<f64>()
        })
    });
    // Dates as the canonical reader meets them, one per row: varied so that
    // the month and leap-year checks are not one predicted branch.
    let days: Vec<String> = (0..10_000u32)
        .map(|i| format!("{}-{:02}-{:02}", 2020 + i % 7, i % 12 + 1, i % 28 + 1))
        .collect();
    g.bench_function("parse_day (canonical)", |b| {
        b.iter(|| {
            days.iter()
                .filter_map(|d| parse_day(black_box(d)))
                .map(i64::from)
                .sum::<i64>()
        })
    });
    g.finish();
}

/// `n` rows of an X export, as the table path decodes them.
fn x_export(n: usize) -> String {
    let mut s = String::from(
        "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Replies,Reposts\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "{i},\"Sat, Nov 29, 2025\",\"A post, with \"\"quotes\"\"\",https://x.com/a/status/{i},\"1,445\",27,60,1,1\n"
        ));
    }
    s
}

fn reader(c: &mut Criterion) {
    let text = x_export(20_000);
    let mut g = c.benchmark_group("reader");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("decode + every row (delimited, 20k rows)", |b| {
        b.iter(|| {
            let d =
                decode::decode("x.csv", text.clone().into_bytes(), None, None).expect("decodes");
            d.grids
                .iter()
                .map(|g| g.rows_after(0).count())
                .sum::<usize>()
        })
    });
    g.finish();
}

fn cube(c: &mut Criterion) {
    let catalog = Catalog::standard();
    let spec = CubeSpec {
        base: Grain::Month,
        keep_dims: Vec::new(),
        keep_posts: false,
        range: (None, None),
    };
    let start = parse_day("2024-01-01").expect("day");
    let posts: Vec<String> = (0..100_000).map(|i| format!("p{i}")).collect();
    let accounts: Vec<String> = (0..400).map(|i| format!("acct{i}")).collect();
    let mut g = c.benchmark_group("cube");
    g.throughput(Throughput::Elements(posts.len() as u64));
    g.bench_function("batch + fold 100k post rows", |b| {
        b.iter(|| {
            let mut cube = Cube::new(spec.clone(), Calendar::default(), catalog.clone());
            // Declared on the cube, as a reader does: a metric needs its slot.
            let reach = cube.declare_metric("reach", Kind::Sum, "bench");
            let likes = cube.declare_metric("likes", Kind::Sum, "bench");
            let mut batch = Batch::default();
            for (i, post) in posts.iter().enumerate() {
                let metrics = [(reach, 1000.0), (likes, 40.0)];
                batch.push(
                    &spec,
                    &RowRef {
                        date: start + (i % 730) as i32,
                        network: "instagram",
                        account: &accounts[i % accounts.len()],
                        post: Some(post),
                        level: Level::Post,
                        dims: &[],
                        metrics: &metrics,
                        attrs: Default::default(),
                        line: i as u64 + 2,
                    },
                );
            }
            cube.add_batches(std::slice::from_ref(&batch));
            cube.rows()
        })
    });
    g.finish();
}

/// A whole `eval` of a canonical file of 200k post rows: reading, folding,
/// the KPI scripts and the CSV output.
fn eval(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("kpiscope.toml"),
        "[workspace]\nname = \"bench\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"posts.csv\"\n",
    )
    .expect("config");
    let mut csv =
        String::from("date,network,account,post,reach,likes,comments,shares,clicks,impressions\n");
    for i in 0..200_000u32 {
        csv.push_str(&format!(
            "2025-{:02}-{:02},instagram,acct{},p{i},{},{},3,2,{},{}\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 400,
            1000 + i % 777,
            i % 97,
            i % 31,
            2000 + i % 555
        ));
    }
    std::fs::write(dir.path().join("posts.csv"), &csv).expect("data");
    let out = dir.path().join("out.csv");
    let args = [
        "kpiscope",
        "--workspace",
        dir.path().to_str().expect("utf-8"),
        "-q",
        "eval",
        "--kpi",
        "er,err,ctr",
        "--by",
        "network,account",
        "--grain",
        "month",
        "-o",
        out.to_str().expect("utf-8"),
    ];
    let mut g = c.benchmark_group("eval");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("canonical 200k rows, 3 KPIs by account and month", |b| {
        b.iter(|| {
            let cli = kpiscope::cli::Cli::try_parse_from(args).expect("arguments");
            kpiscope::commands::run(cli).expect("eval runs")
        })
    });
    g.finish();
}

criterion_group!(benches, numbers, reader, cube, eval);
criterion_main!(benches);
