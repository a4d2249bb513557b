//! Deterministic shares of the scanned accounts and projects (`--shard I/N`).
//!
//! N jobs given `--shard 0/N` … `--shard N-1/N` over the same list of targets together cover
//! every target exactly once: a target belongs to the share `H(id) mod N`, where `H` is the
//! first eight bytes, big-endian, of the SHA-256 of the account or project id. The choice
//! depends on nothing but the id and N — not on the order or number of the other targets,
//! nor on the tool version — so a target stays in its shard from one scheduled run to the
//! next, and an account joining an organization moves no other account.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// One share of N (`index` is 0-based, below `count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// The share `index` of `count`, or a message saying why not.
    pub fn new(index: u32, count: u32) -> Result<Shard, String> {
        if count == 0 {
            return Err("the shard count must be at least 1".to_string());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} is not below the shard count {count} (shards are \
                 numbered from 0: 0/{count} … {}/{count})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// The 0-based index.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// How many shards there are.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The shard an account or project id belongs to, of `count`.
    pub fn of(id: &str, count: u32) -> u32 {
        let digest = Sha256::digest(id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
    }

    /// Whether the account or project `id` is in this share.
    pub fn includes(&self, id: &str) -> bool {
        Shard::of(id, self.count) == self.index
    }
}

/// A shard is written `{"index": 1, "count": 3}` in a snapshot's metadata; reading one
/// checks `index < count` as [`Shard::new`] does.
impl Serialize for Shard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ShardFields {
            index: self.index,
            count: self.count,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Shard {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Shard, D::Error> {
        let fields = ShardFields::deserialize(deserializer)?;
        Shard::new(fields.index, fields.count).map_err(serde::de::Error::custom)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShardFields {
    index: u32,
    count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `I/N`, e.g. `0/4`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("{text:?} is not a shard; expected I/N with 0 <= I < N, e.g. 0/4");
        let (index, count) = text.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = index.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        Shard::new(index, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_with_a_reason() {
        let shard: Shard = "1/3".parse().unwrap();
        assert_eq!((shard.index(), shard.count()), (1, 3));
        assert_eq!(shard.to_string(), "1/3");
        for (bad, why) in [
            ("3/3", "not below"),
            ("0/0", "at least 1"),
            ("1", "expected I/N"),
            ("a/3", "expected I/N"),
            ("-1/3", "expected I/N"),
        ] {
            let error = bad.parse::<Shard>().unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        }
    }

    #[test]
    fn shards_cover_every_id_exactly_once_and_stay_put() {
        let ids: Vec<String> = (0..300)
            .map(|n| format!("{:012}", 100_000_000_000u64 + n))
            .collect();
        for count in [1, 2, 3, 4, 7] {
            let shards: Vec<Shard> = (0..count).map(|i| Shard::new(i, count).unwrap()).collect();
            for id in &ids {
                assert_eq!(shards.iter().filter(|s| s.includes(id)).count(), 1, "{id}");
            }
            if count > 1 {
                // Every share gets some of 300 ids: the hash spreads them.
                for shard in &shards {
                    assert!(
                        ids.iter().filter(|id| shard.includes(id)).count()
                            > 300 / count as usize / 2
                    );
                }
            }
        }
        // Fixed values: a change of hash would move every account between shards.
        let pinned: Vec<u32> = ["111122223333", "444455556666", "acme-prod"]
            .iter()
            .map(|id| Shard::of(id, 1000))
            .collect();
        assert_eq!(pinned, PINNED);
    }

    const PINNED: [u32; 3] = [484, 47, 122];

    #[test]
    fn serialises_as_index_and_count_and_refuses_a_bad_pair() {
        let shard = Shard::new(1, 3).unwrap();
        let json = serde_json::to_string(&shard).unwrap();
        assert_eq!(json, r#"{"index":1,"count":3}"#);
        assert_eq!(serde_json::from_str::<Shard>(&json).unwrap(), shard);
        let error = serde_json::from_str::<Shard>(r#"{"index":3,"count":3}"#).unwrap_err();
        assert!(error.to_string().contains("not below"), "{error}");
        assert!(serde_json::from_str::<Shard>(r#"{"index":0,"count":1,"of":2}"#).is_err());
    }
}
