//! What a repeated registration is compared by: a hash of its normalized
//! content that stays the same when a later version of the server learns a new
//! optional field, so a retry across a deploy is still recognised.

use programme::Submission;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Marks hashes of the canonical form; [`legacy`] hashes have no prefix.
const CANONICAL_PREFIX: &str = "v2:";

/// `v2:` and the hex SHA-256 of the submission's canonical JSON: members that
/// are `null`, `""`, `[]` or `{}` left out (an optional field that is not set
/// reads the same as one that does not exist yet), object keys in sorted
/// order, no spaces.
pub fn canonical(normalized: &Submission) -> Result<String, serde_json::Error> {
    let value = serde_json::to_value(normalized)?;
    let json = serde_json::to_vec(&without_empty(value))?;
    Ok(format!(
        "{CANONICAL_PREFIX}{}",
        crate::hex(&Sha256::digest(&json))
    ))
}

/// The hash servers before schema 3 stored: hex SHA-256 of the struct's JSON
/// as serde writes it (fields in declaration order, `null`s included). Kept so
/// that a registration stored then is still recognised when it is sent again.
pub fn legacy(normalized: &Submission) -> Result<String, serde_json::Error> {
    let json = serde_json::to_vec(normalized)?;
    Ok(crate::hex(&Sha256::digest(&json)))
}

/// Whether a stored hash, of either kind, is the hash of this submission.
pub fn matches(stored: &str, normalized: &Submission) -> Result<bool, serde_json::Error> {
    if stored.starts_with(CANONICAL_PREFIX) {
        Ok(canonical(normalized)? == stored)
    } else {
        Ok(legacy(normalized)? == stored)
    }
}

/// The value with empty members dropped, innermost first (an object whose
/// members were all empty is empty itself), and object keys inserted in sorted
/// order, so the order is the same whether or not serde_json keeps insertion
/// order (its `preserve_order` feature).
fn without_empty(value: Value) -> Value {
    match value {
        Value::Object(members) => {
            let mut kept: Vec<(String, Value)> = members
                .into_iter()
                .map(|(key, member)| (key, without_empty(member)))
                .filter(|(_, member)| !is_empty(member))
                .collect();
            kept.sort_by(|(a, _), (b, _)| a.cmp(b));
            Value::Object(kept.into_iter().collect::<Map<String, Value>>())
        }
        // A list keeps its items where they are: their positions mean something.
        Value::Array(items) => Value::Array(items.into_iter().map(without_empty).collect()),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn hash_of(value: Value) -> String {
        let json = serde_json::to_vec(&without_empty(value)).unwrap();
        crate::hex(&Sha256::digest(&json))
    }

    #[test]
    fn empty_and_missing_members_hash_alike_at_any_depth() {
        let base = json!({ "title": "A", "contact": { "name": "B" }, "themes": ["x"] });
        let with_empties = json!({
            "title": "A",
            "contact": { "name": "B", "phone": null },
            "themes": ["x"],
            "signup_url": null,
            "accessibility": { "features": [], "note": null },
            "tags": [],
            "extra": {},
            "subtitle": ""
        });
        assert_eq!(hash_of(base.clone()), hash_of(with_empties));
        // What is there counts, wherever it is.
        let changed = json!({ "title": "A", "contact": { "name": "C" }, "themes": ["x"] });
        assert_ne!(hash_of(base.clone()), hash_of(changed));
        let falsy = json!({ "title": "A", "contact": { "name": "B" }, "themes": ["x"], "n": 0 });
        assert_ne!(hash_of(base), hash_of(falsy));
    }

    #[test]
    fn the_order_of_keys_does_not_matter_but_the_order_of_items_does() {
        let mut forward = Map::new();
        forward.insert("a".into(), json!(1));
        forward.insert("b".into(), json!(2));
        let mut backward = Map::new();
        backward.insert("b".into(), json!(2));
        backward.insert("a".into(), json!(1));
        assert_eq!(
            hash_of(Value::Object(forward)),
            hash_of(Value::Object(backward))
        );
        assert_ne!(hash_of(json!(["a", "b"])), hash_of(json!(["b", "a"])));
        // Empty items of a list stay, as placeholders of their position.
        assert_ne!(hash_of(json!([null, "a"])), hash_of(json!(["a"])));
    }
}
