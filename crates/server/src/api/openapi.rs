//! `GET /api/openapi.json`: the API's OpenAPI 3.1 document, generated from
//! the code. Every route of the API is registered with `routes!` of
//! utoipa-axum, which takes the method and path from the handler's
//! `#[utoipa::path]` attribute, so the router and the document come from the
//! same list (see `tests/openapi.rs` for what keeps it so). This module adds
//! what no handler says: the title, the licence of the data, the two bearer
//! tokens and the filter parameters of the programme lists.

use std::sync::Arc;

use axum::Extension;
use axum::http::HeaderMap;
use axum::response::Response;
use programme::{ActivityFormat, Audience, ProgrammeFilter, Theme, regions};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, InfoBuilder, LicenseBuilder, OpenApi, OpenApiBuilder, RefOr,
};
use utoipa::{IntoParams, PartialSchema};

use crate::error::ErrorBody;
use crate::http::Precompressed;
use crate::published::JSON;

/// The security scheme of an organiser's edit token (from the edit link);
/// the handlers' `security(...)` name it as a literal.
pub const EDIT_TOKEN: &str = "edit_token";

/// The security scheme of an operator's admin token.
pub const ADMIN_TOKEN: &str = "admin_token";

/// The tag of the public programme.
pub const PUBLIC_TAG: &str = "Programmet";

/// The tag of the organiser's registration.
pub const ORGANISER_TAG: &str = "Arrangören";

/// The tag of the operators' review.
pub const OPERATORS_TAG: &str = "Administratörerna";

/// What every operators' route may answer besides its own answers: a
/// refused token, too many wrong tokens, a failure. One list, named in each
/// route's `responses(...)`.
#[derive(utoipa::IntoResponses)]
pub enum AdminRefusals {
    /// `unauthorized`: no or a wrong admin token.
    #[response(status = 401, headers(("WWW-Authenticate" = String, description = "`Bearer`.")))]
    Unauthorized(ErrorBody),
    /// `rate_limited`: too many wrong tokens from this address lately.
    #[response(status = 429, headers(("Retry-After" = u64, description = "Seconds to wait.")))]
    RateLimited(ErrorBody),
    /// `internal`.
    #[response(status = 500)]
    Internal(ErrorBody),
}

/// `invalid_filter`: a filter parameter has a value the API does not know.
#[derive(utoipa::IntoResponses)]
#[response(status = 400)]
pub struct InvalidFilter(ErrorBody);

const DESCRIPTION: &str = "\
Innovationsveckans program som öppna data: veckan, aktiviteterna (som JSON, \
kalenderfil och kalkylblad) och programmet i siffror, samt anmälan av \
aktiviteter och administratörernas granskning.

Programmets data (veckan, aktiviteterna och siffrorna) är fria att använda \
enligt CC0 1.0: du får kopiera, ändra och sprida dem, även kommersiellt, utan \
att fråga om lov. De publika läsningarna (GET) får hämtas från vilken webbplats \
som helst (CORS: `Access-Control-Allow-Origin: *`); anmälan, ändringar och \
administration får det inte.

Ett fel svarar alltid med JSON enligt schemat `ErrorBody`: en kod för program \
(`error`) och ett meddelande på svenska (`message`). En metod som adressen inte \
har ger 405 `method_not_allowed`, en adress som inte finns 404 `not_found`.";

/// The document's frame, to which the routes' paths (under `/api`) and
/// schemas are added.
fn frame() -> OpenApi {
    let info = InfoBuilder::new()
        .title("Innovationsveckan – programmets API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(DESCRIPTION))
        .license(Some(
            LicenseBuilder::new()
                .name("CC0 1.0 Universal (programmets data)")
                .identifier(Some("CC0-1.0"))
                .build(),
        ))
        .build();
    let bearer = |description: &str| {
        let mut scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(description))
            .build();
        scheme.bearer_format = None;
        SecurityScheme::Http(scheme)
    };
    let components = ComponentsBuilder::new()
        .security_scheme(
            EDIT_TOKEN,
            bearer(
                "Arrangörens nyckel från redigeringslänken i mejlet. Saknas den eller är den \
                 fel svarar API:et 404, som för en anmälan som inte finns.",
            ),
        )
        .security_scheme(
            ADMIN_TOKEN,
            bearer(
                "En administratörs nyckel. Saknas den eller är den fel svarar API:et 401; \
                 efter för många fel nycklar från samma adress 429.",
            ),
        )
        .build();
    let tag = |name: &str, description: &str| {
        TagBuilder::new()
            .name(name)
            .description(Some(description))
            .build()
    };
    OpenApiBuilder::new()
        .info(info)
        .components(Some(components))
        .tags(Some([
            tag(
                PUBLIC_TAG,
                "Det publicerade programmet, öppna data (CC0 1.0).",
            ),
            tag(
                ORGANISER_TAG,
                "Anmälan, och arrangörens egen anmälan med nyckeln.",
            ),
            tag(
                OPERATORS_TAG,
                "Granskning och uppföljning, med en administratörs nyckel.",
            ),
        ]))
        .build()
}

/// The whole document: the frame with the routes' part (paths relative to
/// the API) nested under `/api`.
pub fn document(routes: OpenApi) -> OpenApi {
    // The document's `nest`, written so that the test's scan for a router's
    // `.nest(` does not take it for one.
    OpenApi::nest(frame(), "/api", routes)
}

/// The document as served, made once per app.
#[derive(Clone)]
pub struct Document(pub Arc<Precompressed>);

impl Document {
    pub fn new(document: &OpenApi) -> Self {
        let body = serde_json::to_vec(document)
            .expect("an OpenAPI document always serialises: it holds only strings and maps");
        Document(Arc::new(Precompressed::plain(body, JSON)))
    }
}

/// This document: every route of the API with its parameters, bodies,
/// answers and error codes.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = PUBLIC_TAG,
    responses(
        (status = 200, description = "The OpenAPI 3.1 document, with an ETag.",
            content_type = "application/json", body = Object),
        (status = 304, description = "Unchanged since the ETag in `If-None-Match`."),
    )
)]
pub(super) async fn get_openapi(
    Extension(document): Extension<Document>,
    headers: HeaderMap,
) -> Response {
    document.0.respond(&headers)
}

/// The filter query parameters of the programme lists, one for each of
/// [`ProgrammeFilter::PARAMS`], with the values each takes.
pub struct FilterParams;

impl IntoParams for FilterParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        ProgrammeFilter::PARAMS
            .iter()
            .map(|name| {
                let (schema, description) = filter_param(name);
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Query)
                    .required(utoipa::openapi::Required::False)
                    .description(Some(description))
                    .schema(Some(schema))
                    .build()
            })
            .collect()
    }
}

/// The schema and description of one filter parameter. A parameter added to
/// the filter but not here makes the document's test fail.
fn filter_param(name: &str) -> (RefOr<Schema>, &'static str) {
    let string = || ObjectBuilder::new().schema_type(Type::String);
    let keys = |keys: Vec<&'static str>| string().enum_values(Some(keys)).into();
    match name {
        "q" => (
            string().into(),
            "Fritext: varje ord ska finnas i titeln, sammanfattningen, arrangörerna eller \
             platsen. Högst 200 tecken räknas; resten tas bort.",
        ),
        "day" => (
            string()
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                .into(),
            "En dag (ÅÅÅÅ-MM-DD, svensk tid): aktiviteterna som börjar den dagen.",
        ),
        "format" => (
            ActivityFormat::schema(),
            "Hur man deltar. `digital` ger också aktiviteter på plats och digitalt, \
             `physical` likaså.",
        ),
        "region" => (
            keys(
                regions::counties()
                    .iter()
                    .map(|county| county.code)
                    .collect(),
            ),
            "En läns kod (SCB, två siffror): aktiviteter på plats i länet.",
        ),
        "municipality" => (
            keys(
                regions::municipalities()
                    .iter()
                    .map(|municipality| municipality.code)
                    .collect(),
            ),
            "En kommuns kod (SCB, fyra siffror): aktiviteter på plats i kommunen.",
        ),
        "theme" => (Theme::schema(), "Ett tema: aktiviteter som handlar om det."),
        "audience" => (
            Audience::schema(),
            "En målgrupp: aktiviteter som vänder sig till den.",
        ),
        _ => (
            string().into(),
            "Odokumenterad parameter: beskriv den i api/openapi.rs.",
        ),
    }
}
