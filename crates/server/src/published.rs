//! The public programme of the current edition, held in memory: the list is
//! served from here with a ready-made JSON body and ETag, and filtered requests
//! run the domain crate's filter on it.

use axum::body::Bytes;
use programme::{Activity, Edition, Programme};
use serde::Serialize;

/// The programme as it is published right now.
#[derive(Debug)]
pub struct Published {
    pub edition: Edition,
    pub edition_id: i64,
    pub programme: Programme,
    /// `{"activities":[…]}` of the whole programme, ready to send (cheap to clone).
    pub list_json: Bytes,
    /// The same, compressed once with brotli and with gzip, so the most requested
    /// answer costs no compression work per request.
    pub list_brotli: Bytes,
    pub list_gzip: Bytes,
    /// The ETag of `list_json`.
    pub etag: String,
}

/// The body of `GET /api/activities`.
#[derive(Serialize)]
pub struct ActivityList<'a> {
    pub activities: &'a [&'a Activity],
}

impl Published {
    /// Prepares the published programme for serving.
    pub fn new(edition: Edition, edition_id: i64, activities: Vec<Activity>) -> Self {
        let programme = Programme::new(activities);
        let all: Vec<&Activity> = programme.activities().iter().collect();
        let list_json = Bytes::from(list_body(&all));
        let etag = etag_of(&list_json);
        Published {
            edition,
            edition_id,
            programme,
            list_brotli: Bytes::from(brotli(&list_json)),
            list_gzip: Bytes::from(gzip(&list_json)),
            list_json,
            etag,
        }
    }
}

/// Serialises a list of activities as the list endpoint's body.
pub fn list_body(activities: &[&Activity]) -> Vec<u8> {
    serde_json::to_vec(&ActivityList { activities })
        .expect("activities always serialise: they hold only strings, dates and enums")
}

/// A weak ETag from the body's 64-bit FNV-1a hash: the same bytes give the same
/// tag on every server, so several servers behind a load balancer agree. Weak,
/// because the same content is also sent brotli- or gzip-compressed.
pub fn etag_of(body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in body {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("W/\"{hash:016x}-{:x}\"", body.len())
}

/// Quality 9 rather than 11: within a few per cent of the smallest, in a fraction
/// of the time, which matters because the list is compressed again on every change.
fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 8);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)
        .expect("compressing into memory cannot fail");
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .expect("compressing into memory cannot fail")
}
