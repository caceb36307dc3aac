//! What loading keeps, and the keys of a record: the dedup key, its series
//! and its shard, hashed where the row is parsed so that folding rows into the
//! cube is a matter of table look-ups.

use super::period::{Day, Grain};
use crate::records::catalog::POSTS;
use crate::records::{Level, RowRef};

/// What a run needs from loading: the finest grain, the dimensions and whether
/// posts must stay apart. Anything else is folded away as it streams in.
#[derive(Debug, Clone)]
pub struct CubeSpec {
    pub base: Grain,
    /// Dimensions some view breaks down or filters by, sorted.
    pub keep_dims: Vec<String>,
    pub keep_posts: bool,
    /// Only days in this range are loaded (`--from`, `--to`).
    pub range: (Option<Day>, Option<Day>),
}

/// An account's time series: network, account and the kept dimension values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    pub network: String,
    pub account: String,
    /// One value per `CubeSpec::keep_dims`; `None` where the row has none.
    pub dims: Vec<Option<String>>,
    /// Post-level records keep a series of their own, so that an account's
    /// own figures can win over the sum of its posts (see `Cube::view`).
    pub posts: bool,
}

/// A record reduced to the keys loading needs: computed where the row is
/// parsed (in parallel), applied to the cube in file order.
#[derive(Debug, Clone, Copy)]
pub struct Prepared {
    /// Dedup key: network, account and post, or the row's content.
    pub key: u64,
    /// The key is the network's id of the post: it proves identity even
    /// within one file (a content key does not).
    pub by_id: bool,
    /// Hash of network, account and kept dimensions.
    pub series: u64,
    /// Hash of network and account: picks the shard. Every key of a record
    /// holds its network and account, so duplicates meet in one shard.
    pub account: u64,
    /// Hash of the post id (for `--by post`), or 0.
    pub post: u64,
    pub date: Day,
    pub level: Level,
    /// The row gives `posts` itself, so it is not counted.
    pub gives_posts: bool,
}

/// Sets the seed of post keys apart from the account hash itself.
const POST_KEY: u64 = 0x7f4a_7c15_9e37_79b9;

/// Sets the seed of account hashes apart from other hashes of a network.
const ACCOUNT_KEY: u64 = 0x2545_f491_4f6c_dd1d;

/// The hash of a network and account: the account's bytes hashed with the
/// network's hash as seed, two short hashes instead of copying both names
/// into one buffer for every row.
#[inline]
fn account_hash(network: &str, account: &str) -> u64 {
    let seed = xxhash_rust::xxh3::xxh3_64_with_seed(network.as_bytes(), ACCOUNT_KEY);
    xxhash_rust::xxh3::xxh3_64_with_seed(account.as_bytes(), seed)
}

/// Hashes `parts` separated by 0xff (which UTF-8 never contains).
fn hash_parts(buf: &mut Vec<u8>, tag: u8, parts: &[&[u8]]) -> u64 {
    buf.clear();
    buf.push(tag);
    for p in parts {
        buf.extend_from_slice(p);
        buf.push(0xff);
    }
    xxhash_rust::xxh3::xxh3_64(buf)
}

impl CubeSpec {
    fn dim_value<'a>(row: &RowRef<'a>, name: &str) -> Option<&'a str> {
        row.dims
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_empty())
    }

    /// The dedup key [`CubeSpec::prepare`] gives a row of post `post` of
    /// `network` and `account`: what a companion keeps attributes by. Apart
    /// from `prepare`, so that the hot path keeps its one caller (inlined).
    pub fn post_key(network: &str, account: &str, post: &str) -> u64 {
        let account = account_hash(network, account);
        xxhash_rust::xxh3::xxh3_64_with_seed(post.as_bytes(), account ^ POST_KEY)
    }

    /// The keys of `row`; `buf` is scratch space reused between rows.
    pub fn prepare(&self, row: &RowRef, buf: &mut Vec<u8>) -> Prepared {
        let account = account_hash(row.network, row.account);
        let post_level = row.level == Level::Post;
        let series = if self.keep_dims.is_empty() {
            // A cheap, distinct key for the account's post-level series.
            if post_level {
                account ^ 0x9e37_79b9_7f4a_7c15
            } else {
                account
            }
        } else {
            let mut parts: Vec<&[u8]> = vec![row.network.as_bytes(), row.account.as_bytes()];
            for k in &self.keep_dims {
                parts.push(Self::dim_value(row, k).map_or(b"\x00" as &[u8], str::as_bytes));
            }
            hash_parts(buf, if post_level { b'q' } else { b's' }, &parts)
        };
        let key = match (row.level, row.post) {
            // The post's id hashed with its account's hash as seed: one
            // short hash per row instead of the three names again.
            (Level::Post, Some(post)) => {
                xxhash_rust::xxh3::xxh3_64_with_seed(post.as_bytes(), account ^ POST_KEY)
            }
            (level, _) => {
                // Account-day rows, and post rows without an id: keyed on content.
                let mut parts: Vec<Vec<u8>> = vec![
                    row.network.into(),
                    row.account.into(),
                    row.date.to_le_bytes().to_vec(),
                ];
                let mut dims: Vec<_> = row.dims.iter().filter(|(_, v)| !v.is_empty()).collect();
                dims.sort();
                parts.extend(
                    dims.into_iter()
                        .map(|(k, v)| format!("{k}={v}").into_bytes()),
                );
                if level == Level::Post {
                    parts.extend(
                        row.metrics
                            .iter()
                            .map(|(m, x)| format!("{m}={x}").into_bytes()),
                    );
                }
                let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
                hash_parts(buf, if level == Level::Post { b'c' } else { b'a' }, &refs)
            }
        };
        let post = match (self.keep_posts, row.post) {
            (true, Some(p)) => hash_parts(buf, b'i', &[p.as_bytes()]) | 1,
            _ => 0,
        };
        Prepared {
            key,
            by_id: row.level == Level::Post && row.post.is_some(),
            series,
            account,
            post,
            date: row.date,
            level: row.level,
            gives_posts: row.metrics.iter().any(|(m, _)| *m == POSTS),
        }
    }

    pub fn series_key(&self, row: &RowRef) -> SeriesKey {
        SeriesKey {
            network: row.network.to_string(),
            account: row.account.to_string(),
            dims: self
                .keep_dims
                .iter()
                .map(|k| Self::dim_value(row, k).map(str::to_string))
                .collect(),
            posts: row.level == Level::Post,
        }
    }

    pub fn in_range(&self, day: Day) -> bool {
        let (from, to) = self.range;
        !(from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posts_key_is_the_key_its_rows_get() {
        let spec = CubeSpec {
            base: Grain::Month,
            keep_dims: vec!["campaign".into()],
            keep_posts: true,
            range: (None, None),
        };
        let row = RowRef {
            date: 20_000,
            network: "x",
            account: "acme",
            post: Some("1234"),
            level: Level::Post,
            dims: &[("campaign", "spring")],
            metrics: &[],
            attrs: Default::default(),
            line: 2,
        };
        let key = spec.prepare(&row, &mut Vec::new()).key;
        assert_eq!(CubeSpec::post_key("x", "acme", "1234"), key);
        assert_ne!(CubeSpec::post_key("x", "acme", "1235"), key);
        assert_ne!(CubeSpec::post_key("x", "acme2", "1234"), key);
    }
}
