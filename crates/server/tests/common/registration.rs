//! Registering and reviewing on top of the shared harness: the app with an
//! admin token, a valid registration's body, and requests as the organiser
//! and the operators send them.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, NaiveDate, NaiveTime};
use programme::ActivityStatus;
use programme::time::stockholm;
use serde_json::{Value, json};
use server::Config;
use server::storage::ActivityOrder;

use super::{Reply, TestApp};

pub const ADMIN_TOKEN: &str = "operatorns-hemliga-nyckel-med-minst-32-tecken";
pub const SUBMITTER: &str = "privat.anmalare@example.se";

/// The app with an admin token and no built web app, `configure`d.
pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = super::config(dir.path().join("data")).await;
    config.dist_dir = dir.path().join("no-dist");
    config.admin_token = Some(ADMIN_TOKEN.into());
    configure(&mut config);
    TestApp::open(dir, config).await
}

pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

/// Registering and reviewing, on top of the shared harness.
impl TestApp {
    /// A registration with this Idempotency-Key and raw body.
    pub async fn submit_raw(&self, key: &str, body: impl Into<Body>) -> Reply {
        self.request(
            Request::post("/api/activities")
                .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
                .header("idempotency-key", key)
                .body(body.into())
                .unwrap(),
        )
        .await
    }

    pub async fn submit(&self, key: &str, body: &Value) -> Reply {
        self.submit_raw(key, body.to_string()).await
    }

    pub async fn admin(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let request = with_token(Request::builder().method(method).uri(uri), token);
        self.request(with_json(request, body)).await
    }

    /// An admin GET with the right token.
    pub async fn admin_get(&self, uri: &str) -> Reply {
        self.admin("GET", uri, Some(ADMIN_TOKEN), None).await
    }

    pub async fn approve(&self, id: &str) -> Reply {
        let uri = format!("/api/admin/activities/{id}/approve");
        self.admin("POST", &uri, Some(ADMIN_TOKEN), None).await
    }

    pub async fn reject(&self, id: &str, reason: &str) -> Reply {
        let uri = format!("/api/admin/activities/{id}/reject");
        let body = json!({ "reason": reason });
        self.admin("POST", &uri, Some(ADMIN_TOKEN), Some(body))
            .await
    }

    pub async fn public_ids(&self) -> Vec<String> {
        let activities = self.get("/api/activities").await.activities();
        activities.into_iter().map(|a| a.id).collect()
    }

    pub async fn edition_start(&self) -> NaiveDate {
        let edition = self.get("/api/edition").await.json();
        edition["starts_on"].as_str().unwrap().parse().unwrap()
    }

    /// A valid registration on the edition's second day, 10.00–11.30.
    pub async fn valid_body(&self) -> Value {
        let day = self.edition_start().await + Duration::days(1);
        valid_body_on(day, time(10, 0), time(11, 30))
    }

    pub async fn stored_count(&self) -> usize {
        let edition_id = self.state.published().edition_id;
        self.state
            .storage()
            .activities_by_status(
                edition_id,
                Some(ActivityStatus::Pending),
                ActivityOrder::Start,
            )
            .await
            .unwrap()
            .len()
    }
}

/// `body` with one edit.
pub fn edited(body: &Value, edit: impl FnOnce(&mut Value)) -> Value {
    let mut body = body.clone();
    edit(&mut body);
    body
}

pub fn time(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap()
}

pub fn valid_body_on(day: NaiveDate, starts: NaiveTime, ends: NaiveTime) -> Value {
    json!({
        "title": "Öppna data i praktiken",
        "summary": "Så kommer du igång med öppna data i din kommun.",
        "description": "En workshop om att publicera öppna data, med exempel från Umeå.",
        "starts_at": stockholm(day, starts).to_rfc3339(),
        "ends_at": stockholm(day, ends).to_rfc3339(),
        "format": "hybrid",
        "venue": {
            "name": "Stadshuset, sal B",
            "street_address": "Skolgatan 31",
            "postal_code": "903 26",
            "city": "Umeå",
            "municipality_code": "2480"
        },
        "online": { "platform": "Microsoft Teams", "url": "https://teams.example.se/mote/1" },
        "themes": ["data_ai"],
        "audiences": ["staff", "politicians"],
        "language": "sv",
        "organisers": [
            { "name": "Umeå kommun", "kind": "municipality" },
            { "name": "Exempel AB", "kind": "business" }
        ],
        "contact": { "name": "Anna Andersson", "email": "anna.andersson@umea.se", "phone": "090-16 10 00" },
        "signup_url": "https://umea.se/anmalan",
        "accessibility": { "features": ["hearing_loop"], "note": "Tolk kan beställas." },
        "submitter_email": SUBMITTER
    })
}

/// The organiser's requests, with the edit token as bearer token (if any).
impl TestApp {
    /// Registers `body` under `key` and returns the activity's id and edit token.
    pub async fn register(&self, key: &str, body: &Value) -> (String, String) {
        let reply = self.submit(key, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let json = reply.json();
        (
            json["id"].as_str().unwrap().to_owned(),
            json["edit_token"].as_str().unwrap().to_owned(),
        )
    }

    /// `GET /api/submissions/{id}`.
    pub async fn view(&self, id: &str, token: Option<&str>) -> Reply {
        let request = with_token(Request::get(format!("/api/submissions/{id}")), token);
        self.request(request.body(Body::empty()).unwrap()).await
    }

    /// `PUT /api/activities/{id}` with `If-Match: if_match` (if any).
    pub async fn edit(
        &self,
        id: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: &Value,
    ) -> Reply {
        let mut request = with_token(Request::put(format!("/api/activities/{id}")), token)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(version) = if_match {
            request = request.header(header::IF_MATCH, version);
        }
        self.request(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// `POST /api/activities/{id}/cancel`, with a JSON body or none.
    pub async fn cancel(&self, id: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let request = with_token(Request::post(format!("/api/activities/{id}/cancel")), token);
        self.request(with_json(request, body)).await
    }

    /// One activity as the admin list shows it.
    pub async fn admin_record(&self, id: &str) -> Value {
        let list = self.admin_get("/api/admin/activities").await.json();
        list["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("{id} is not in the admin list"))
            .clone()
    }

    /// The app's database, opened beside the app (for what only an older
    /// server or the clock would do); SQL in it must suit both databases.
    pub async fn database(&self) -> sqlx::AnyPool {
        super::database_of(self.state.config()).await
    }

    /// Moves an activity's start to `starts_at` (RFC 3339) behind the
    /// server's back, in the column and in the stored body: the clock
    /// moving on, for what may no longer be done once an activity began.
    pub async fn move_start(&self, id: &str, starts_at: &str) {
        let sql = if super::on_postgres() {
            "UPDATE activities SET starts_at = $1,
                    body = jsonb_set(body::jsonb, '{starts_at}', to_jsonb($1::text))::text
             WHERE id = $2"
        } else {
            "UPDATE activities SET starts_at = $1, body = json_set(body, '$.starts_at', $1)
             WHERE id = $2"
        };
        sqlx::query(sql)
            .bind(starts_at)
            .bind(id)
            .execute(&self.database().await)
            .await
            .unwrap();
    }
}

/// The request with a JSON body, or with none.
fn with_json(request: axum::http::request::Builder, body: Option<Value>) -> Request<Body> {
    match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap()
}

fn with_token(
    request: axum::http::request::Builder,
    token: Option<&str>,
) -> axum::http::request::Builder {
    match token {
        Some(token) => request.header(header::AUTHORIZATION, format!("Bearer {token}")),
        None => request,
    }
}
