//! The one typed client of the server's API. Components never call the network:
//! they read [`ProgrammeResource`] from the context.

use std::sync::Arc;

use leptos::prelude::*;
use programme::{Edition, Programme};
use serde::Deserialize;
use serde::de::DeserializeOwned;

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

fn api_url(path: &str) -> String {
    // reqwest in the browser wants an absolute URL.
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}/api{path}")
}

/// GETs a JSON document from the API; every non-2xx answer becomes an [`ApiError`].
async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = reqwest::get(api_url(path))
        .await
        .map_err(|_| ApiError::Network)?;
    let status = response.status();
    if !status.is_success() {
        let message = response
            .json::<ErrorBody>()
            .await
            .map(|body| body.message)
            .unwrap_or_default();
        return Err(ApiError::Status {
            status: status.as_u16(),
            message,
        });
    }
    response.json::<T>().await.map_err(|_| ApiError::Decode)
}

/// `GET /api/edition`.
#[derive(Deserialize)]
struct EditionResponse {
    #[serde(flatten)]
    edition: Edition,
    programme_is_open: bool,
}

/// `GET /api/activities`.
#[derive(Deserialize)]
struct ActivitiesResponse {
    activities: Vec<programme::Activity>,
}

/// The current edition and its published programme, ready to filter.
#[derive(Debug)]
pub struct ProgrammeData {
    pub edition: Edition,
    /// Whether the programme is open to the public (by the server's clock).
    pub is_open: bool,
    pub programme: Programme,
}

/// Fetches the edition and, once it is open, its whole programme.
pub async fn load_programme() -> Result<Arc<ProgrammeData>, ApiError> {
    let EditionResponse {
        edition,
        programme_is_open,
    } = get_json("/edition").await?;
    let activities = if programme_is_open {
        get_json::<ActivitiesResponse>("/activities")
            .await?
            .activities
    } else {
        Vec::new()
    };
    Ok(Arc::new(ProgrammeData {
        edition,
        is_open: programme_is_open,
        programme: Programme::new(activities),
    }))
}

/// The programme, fetched once and shared by every page through the context.
#[derive(Clone, Copy)]
pub struct ProgrammeResource(LocalResource<Result<Arc<ProgrammeData>, ApiError>>);

impl ProgrammeResource {
    /// Starts fetching.
    pub fn new() -> Self {
        ProgrammeResource(LocalResource::new(load_programme))
    }

    /// `None` while loading, then the programme or the reason it failed.
    pub fn get(&self) -> Option<Result<Arc<ProgrammeData>, ApiError>> {
        self.0.get()
    }

    /// Fetches again, after a failure.
    pub fn refetch(&self) {
        self.0.refetch();
    }

    /// The resource from the context that [`crate::App`] provides.
    pub fn use_context() -> Self {
        expect_context::<ProgrammeResource>()
    }
}

impl Default for ProgrammeResource {
    fn default() -> Self {
        Self::new()
    }
}
