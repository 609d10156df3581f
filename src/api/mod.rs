//! The one typed client of the server's API. Components never call the network:
//! they read [`ProgrammeResource`] from the context.

use std::sync::Arc;

use leptos::prelude::*;
use programme::{Edition, Programme};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub mod admin;

pub use crate::wire::{Accepted, OrganiserView, Refusal};
use crate::wire::{Delivery, classify, error_code};

/// Why a request to the API failed, in words a visitor can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server could not be reached (offline, or the server is down).
    Network,
    /// The server answered with an error status.
    Status { status: u16, message: String },
    /// The server's answer was not what this version of the app understands.
    Decode,
}

impl ApiError {
    /// A Swedish message for the visitor.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network => {
                "Vi når inte servern just nu. Kontrollera din internetanslutning och försök igen."
                    .to_owned()
            }
            ApiError::Status { status, message } if message.is_empty() => {
                format!("Servern svarade med ett fel ({status}). Försök igen om en stund.")
            }
            ApiError::Status { message, .. } => message.clone(),
            ApiError::Decode => {
                "Programmet kunde inte läsas. Ladda om sidan för att hämta den senaste versionen."
                    .to_owned()
            }
        }
    }
}

/// The body of an API error.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
}

/// Starts a GET of an API path with the browser's own `fetch` (no HTTP client
/// library in the WebAssembly: it would cost tens of kilobytes). The request is
/// under way at once, so several can travel together.
fn request(path: &str) -> wasm_bindgen_futures::JsFuture {
    wasm_bindgen_futures::JsFuture::from(window().fetch_with_str(&format!("/api{path}")))
}

/// Waits for a started request's answer and reads its body as text: `None` when
/// no answer came (offline, server down, aborted); the text is `None` when the
/// body was cut off on the way.
async fn answer(
    pending: wasm_bindgen_futures::JsFuture,
) -> Option<(web_sys::Response, Option<String>)> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let response = pending.await.ok()?.dyn_into::<web_sys::Response>().ok()?;
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    Some((response, text))
}

/// Reads a started request's JSON; every non-2xx answer becomes an [`ApiError`].
async fn read_json<T: DeserializeOwned>(
    pending: wasm_bindgen_futures::JsFuture,
) -> Result<T, ApiError> {
    read_json_answer(pending).await.map(|(value, _)| value)
}

/// When an answer is the service worker's kept copy (`X-Offline-Copy`), the
/// moment the server sent it (its `Date`, in milliseconds since 1970).
fn offline_copy_of(response: &web_sys::Response) -> Option<i64> {
    let headers = response.headers();
    headers.get("x-offline-copy").ok().flatten()?;
    let date = headers.get("date").ok().flatten()?;
    let ms = js_sys::Date::parse(&date);
    (!ms.is_nan()).then_some(ms as i64)
}

/// Whether the server answers the public API itself now (not the service
/// worker with its kept copy).
pub async fn server_answers() -> bool {
    match answer(request("/edition")).await {
        Some((response, _)) => response.ok() && offline_copy_of(&response).is_none(),
        None => false,
    }
}

/// Like [`read_json`], with the answer's headers.
async fn read_json_answer<T: DeserializeOwned>(
    pending: wasm_bindgen_futures::JsFuture,
) -> Result<(T, web_sys::Response), ApiError> {
    let (text, response) = read_text_answer(pending).await?;
    let value = serde_json::from_str(&text).map_err(|_| ApiError::Decode)?;
    Ok((value, response))
}

/// A started request's body as text, with the answer's headers; every
/// non-2xx answer becomes an [`ApiError`] with the server's message.
async fn read_text_answer(
    pending: wasm_bindgen_futures::JsFuture,
) -> Result<(String, web_sys::Response), ApiError> {
    let (response, text) = answer(pending).await.ok_or(ApiError::Network)?;
    if !response.ok() {
        let message = text
            .and_then(|t| serde_json::from_str::<ErrorBody>(&t).ok())
            .map(|body| body.message)
            .unwrap_or_default();
        return Err(ApiError::Status {
            status: response.status(),
            message,
        });
    }
    // A body cut off by a dropped connection is a network failure, not bad data.
    let text = text.ok_or(ApiError::Network)?;
    Ok((text, response))
}

/// `GET /api/edition`. Spelled out rather than `#[serde(flatten)]` over
/// [`Edition`], whose buffering costs the WebAssembly kilobytes.
#[derive(Deserialize)]
struct EditionResponse {
    name: String,
    year: i32,
    #[serde(with = "programme::time::date_serde")]
    starts_on: chrono::NaiveDate,
    #[serde(with = "programme::time::date_serde")]
    ends_on: chrono::NaiveDate,
    #[serde(with = "programme::time::date_serde")]
    programme_opens_on: chrono::NaiveDate,
    programme_is_open: bool,
}

/// The current edition and its published programme, ready to filter.
#[derive(Debug)]
pub struct ProgrammeData {
    pub edition: Edition,
    /// Whether the programme is open to the public (by the server's clock).
    pub is_open: bool,
    pub programme: Arc<Programme>,
    /// Whether the activities are whole (the server's), or as the listing
    /// carries them (the app's): an activity's page then fetches the rest.
    pub complete: bool,
    /// When this is the copy kept for offline use (the server could not be
    /// reached): when the server sent it, in milliseconds since 1970.
    pub offline_since: Option<i64>,
}

impl EditionResponse {
    /// The edition, and whether the programme is open.
    fn into_edition(self) -> (Edition, bool) {
        let edition = Edition {
            name: self.name,
            year: self.year,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            programme_opens_on: self.programme_opens_on,
        };
        (edition, self.programme_is_open)
    }
}

/// Fetches the edition and its programme's listing, both requests at once
/// (before the opening day the listing is empty).
pub async fn load_programme() -> Result<Arc<ProgrammeData>, ApiError> {
    let edition_request = request("/edition");
    let listing_request = request("/listing");
    let (edition, answer) = read_json_answer::<EditionResponse>(edition_request).await?;
    let (edition, programme_is_open) = edition.into_edition();
    let mut offline_since = offline_copy_of(&answer);
    let programme = if programme_is_open {
        let (text, response) = read_text_answer(listing_request).await?;
        offline_since = offline_copy_of(&response);
        read_listing(&text).await?
    } else {
        Programme::default()
    };
    Ok(Arc::new(ProgrammeData {
        edition,
        is_open: programme_is_open,
        programme: Arc::new(programme),
        complete: false,
        offline_since,
    }))
}

/// Reads the listing and prepares the programme's filter a slice at a
/// time, letting the browser paint and answer the visitor between slices:
/// ten thousand activities are no one long task.
async fn read_listing(text: &str) -> Result<Programme, ApiError> {
    /// How long one slice may take, in milliseconds.
    const SLICE_MS: f64 = 8.0;
    let mut programme = programme::ProgrammeBuilder::default();
    let mut slice_started = js_sys::Date::now();
    for line in text.lines().filter(|line| !line.is_empty()) {
        programme.push(programme::listing::read_line(line).map_err(|_| ApiError::Decode)?);
        if js_sys::Date::now() - slice_started > SLICE_MS {
            next_task().await;
            slice_started = js_sys::Date::now();
        }
    }
    Ok(programme.finish())
}

/// Waits for a task of its own (after what the browser has waiting).
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Data fetched once when an app starts and shared by its pages through the
/// context: `None` while loading, then the data or why it failed. On the
/// server, which renders the first screen, the data is given instead.
pub struct Shared<T: 'static>(Source<T>);

enum Source<T: 'static> {
    Fetched(LocalResource<Result<T, ApiError>>),
    Given(StoredValue<T, LocalStorage>),
}

impl<T: 'static> Clone for Shared<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Shared<T> {}

impl<T: 'static> Clone for Source<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Source<T> {}

impl<T: Clone + 'static> Shared<T> {
    /// Data that is there already: what the server renders with.
    pub fn given(value: T) -> Self {
        Shared(Source::Given(StoredValue::new_local(value)))
    }

    /// `None` while loading, then the data or the reason it failed.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        match self.0 {
            Source::Fetched(resource) => resource.get(),
            Source::Given(value) => Some(Ok(value.get_value())),
        }
    }

    /// Like [`Shared::get`], without tracking.
    pub fn get_untracked(&self) -> Option<Result<T, ApiError>> {
        match self.0 {
            Source::Fetched(resource) => resource.get_untracked(),
            Source::Given(value) => Some(Ok(value.get_value())),
        }
    }

    /// Fetches again, after a failure.
    pub fn refetch(&self) {
        if let Source::Fetched(resource) = self.0 {
            resource.refetch();
        }
    }

    /// The one the app provides.
    pub fn use_context() -> Self {
        expect_context::<Self>()
    }
}

/// The edition and its programme, for the programme app.
pub type ProgrammeResource = Shared<Arc<ProgrammeData>>;

impl ProgrammeResource {
    /// Starts fetching the edition and its programme.
    pub fn fetch_programme() -> Self {
        Shared(Source::Fetched(LocalResource::new(load_programme)))
    }
}

/// The current edition alone, for the registration app (which needs its week,
/// not its programme).
pub type EditionResource = Shared<Edition>;

impl EditionResource {
    /// Starts fetching the edition.
    pub fn fetch_edition() -> Self {
        Shared(Source::Fetched(LocalResource::new(|| async {
            let response: EditionResponse = read_json(request("/edition")).await?;
            Ok(response.into_edition().0)
        })))
    }
}

/// Why a registration or an edit was not accepted.
#[derive(Debug, Clone)]
pub enum SubmitError {
    /// Not now (offline, server down or busy): send it again later.
    Retry(String),
    /// The server will not take it as it is; the person must change it. The
    /// answer is kept as the server wrote it: only the registration app reads
    /// its field errors ([`Refusal::read`]).
    Refused { status: u16, response: String },
    /// The registration's key came before with another text; the answer
    /// carries the first registration ([`Accepted`]), which this text is to
    /// change.
    KeyReused(Accepted),
}

/// How long a sending may take before it counts as not sent (and waits for
/// the next attempt): a hung request must not hold the outbox.
const SUBMIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// A registration or an edit on its way, as HTTP.
pub enum Outgoing<'a> {
    /// `POST /api/activities` with the draft's id as `Idempotency-Key`:
    /// sending it twice gives the same activity, never a second one.
    Register { key: &'a str, body: &'a str },
    /// `PUT /api/activities/{id}` with the edit token, based on a version
    /// (`If-Match`): sent twice, the second finds it applied.
    Edit {
        activity_id: &'a str,
        token: &'a str,
        version: u64,
        body: &'a str,
    },
}

/// Sends a registration or an edit. Only an answer that reads as an
/// [`Accepted`] counts as sent (a proxy's page with status 200 does not).
pub async fn send(outgoing: Outgoing<'_>) -> Result<Accepted, SubmitError> {
    use wasm_bindgen_futures::JsFuture;

    let offline = || {
        SubmitError::Retry(
            "Vi når inte servern just nu. Anmälan skickas automatiskt när anslutningen fungerar igen."
                .to_owned(),
        )
    };
    let headers = web_sys::Headers::new().map_err(|_| offline())?;
    headers
        .set("Content-Type", "application/json")
        .map_err(|_| offline())?;
    let init = web_sys::RequestInit::new();
    let (path, body) = match outgoing {
        Outgoing::Register { key, body } => {
            headers.set("Idempotency-Key", key).map_err(|_| offline())?;
            init.set_method("POST");
            ("/api/activities".to_owned(), body)
        }
        Outgoing::Edit {
            activity_id,
            token,
            version,
            body,
        } => {
            headers
                .set("Authorization", &format!("Bearer {token}"))
                .map_err(|_| offline())?;
            headers
                .set("If-Match", &format!("\"{version}\""))
                .map_err(|_| offline())?;
            init.set_method("PUT");
            (activity_path(activity_id), body)
        }
    };
    init.set_headers(&headers);
    init.set_body(&wasm_bindgen::JsValue::from_str(body));
    if let Ok(controller) = web_sys::AbortController::new() {
        init.set_signal(Some(&controller.signal()));
        set_timeout(move || controller.abort(), SUBMIT_TIMEOUT);
    }
    let pending = JsFuture::from(window().fetch_with_str_and_init(&path, &init));
    let answer = answer(pending).await;
    let status = answer.as_ref().map(|(response, _)| response.status());
    let text = answer.and_then(|(_, text)| text);
    let later = |status: u16| {
        SubmitError::Retry(format!(
            "Servern kunde inte ta emot anmälan just nu ({status}). Vi försöker igen automatiskt."
        ))
    };
    // A body cut off on the way is no answer.
    let (Some(status), Some(text)) = (status, text) else {
        return Err(offline());
    };
    match classify(Some(status), &error_code(&text)) {
        Delivery::Accepted => serde_json::from_str(&text).map_err(|_| later(status)),
        Delivery::Retry => Err(later(status)),
        Delivery::Refused => Err(SubmitError::Refused {
            status,
            response: text,
        }),
        Delivery::KeyReused => match serde_json::from_str(&text) {
            Ok(first) => Err(SubmitError::KeyReused(first)),
            // An older server says no more than that: the person decides.
            Err(_) => Err(SubmitError::Refused {
                status,
                response: text,
            }),
        },
    }
}

/// `/api/activities/{id}`.
fn activity_path(id: &str) -> String {
    format!("/api/activities/{}", programme::filter::percent_encode(id))
}

/// Starts a request with a bearer token (an organiser's edit token, an
/// operator's token) and, when given, a JSON body: the one way every
/// authorised call is made.
fn authorized(
    method: &str,
    path: &str,
    token: &str,
    json: Option<&str>,
) -> Result<wasm_bindgen_futures::JsFuture, ApiError> {
    let headers = web_sys::Headers::new().map_err(|_| ApiError::Network)?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(|_| ApiError::Network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(json) = json {
        headers
            .set("Content-Type", "application/json")
            .map_err(|_| ApiError::Network)?;
        init.set_body(&wasm_bindgen::JsValue::from_str(json));
    }
    init.set_headers(&headers);
    Ok(wasm_bindgen_futures::JsFuture::from(
        window().fetch_with_str_and_init(path, &init),
    ))
}

/// `GET /api/submissions/{id}` with the private edit token.
pub async fn organiser_view(id: &str, token: &str) -> Result<OrganiserView, ApiError> {
    let path = format!("/api/submissions/{}", programme::filter::percent_encode(id));
    read_json(authorized("GET", &path, token, None)?).await
}

/// `POST /api/activities/{id}/cancel` with the edit token and the reason.
pub async fn cancel_activity(id: &str, token: &str, reason: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Cancelled {}
    #[derive(serde::Serialize)]
    struct Cancellation<'a> {
        reason: &'a str,
    }
    let body = serde_json::to_string(&Cancellation { reason }).map_err(|_| ApiError::Decode)?;
    let path = format!("{}/cancel", activity_path(id));
    read_json::<Cancelled>(authorized("POST", &path, token, Some(&body))?)
        .await
        .map(|_| ())
}

/// `GET /api/stats`: the programme in figures.
pub async fn stats() -> Result<programme::stats::Stats, ApiError> {
    read_json(request("/stats")).await
}

/// `GET /api/activities/{id}`: one published activity.
pub async fn public_activity(id: &str) -> Result<programme::Activity, ApiError> {
    read_json(request(&public_activity_path(id))).await
}

fn public_activity_path(id: &str) -> String {
    format!("/activities/{}", programme::filter::percent_encode(id))
}

/// The whole records of listed activities (description, address, contact
/// …), all requested at once; the service worker keeps each for reading
/// offline. Where one cannot be had, the listed record stands in.
pub async fn whole_records(listed: Vec<programme::Activity>) -> Vec<programme::Activity> {
    let pending: Vec<_> = listed
        .iter()
        .map(|activity| request(&public_activity_path(&activity.id)))
        .collect();
    let mut whole = Vec::with_capacity(listed.len());
    for (activity, pending) in listed.into_iter().zip(pending) {
        whole.push(read_json(pending).await.unwrap_or(activity));
    }
    whole
}
