//! What the server's OpenAPI document needs of the domain beyond the derived
//! schemas (only with the `openapi` feature, which the web app never enables).

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A vocabulary as a schema: a string that is one of the keys, with each
/// key's Swedish label in the description, so a reader of the document
/// knows what the app shows for it.
pub fn vocabulary_schema<'a>(values: impl Iterator<Item = (&'a str, &'a str)>) -> RefOr<Schema> {
    let (keys, lines): (Vec<&str>, Vec<String>) = values
        .map(|(key, label)| (key, format!("- `{key}`: {label}")))
        .unzip();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(keys))
        .description(Some(lines.join("\n")))
        .into()
}
