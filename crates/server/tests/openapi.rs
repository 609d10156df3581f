//! The OpenAPI document (`GET /api/openapi.json`): a valid OpenAPI 3.1
//! document, read back by another crate (oas3); the public routes with every
//! parameter; and no route of the API that the document lacks.
//!
//! Why the last cannot pass wrongly: axum cannot list a router's routes, so
//! the router and the document are made from one list instead. Every API
//! route is added with `.routes(routes!(handler))` of utoipa-axum, which
//! takes the route's method and path from the handler's `#[utoipa::path]`
//! attribute and puts the same method and path into the document; a route
//! added so is documented by construction. The only ways to add a route
//! without the document are axum's own (`.route(`, `.route_service(`,
//! `.nest(`, `.nest_service(`, `.fallback_service(`, `MethodRouter`,
//! `axum::routing`), and [`no_route_of_the_api_bypasses_the_document`]
//! reads every source file of the server and fails on any of them in
//! `src/api/`, and on any `/api` path given to them elsewhere (the one
//! `.nest("/api", api::router(..))` of `lib.rs` aside). The scan checks
//! itself: it must see the API's files and its `.routes(routes!(` calls (as
//! many as the document has operations), and it must catch planted
//! examples. Conversely, [`every_documented_operation_reaches_its_handler`]
//! sends a request for each documented method and path and fails when the
//! router answers with its fallback for unknown paths or methods.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::TestApp;
use programme::{ActivityFormat, Audience, ProgrammeFilter, Theme, regions};
use serde_json::Value;

async fn spawn() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let config = common::config(dir.path().join("data")).await;
    TestApp::open(dir, config).await
}

/// The document as the app serves it.
async fn document(app: &TestApp) -> Value {
    let reply = app.get("/api/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "application/json");
    reply.json()
}

/// Every (method, path) the document has, the paths as it writes them.
fn operations(document: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if item.get(method).is_some() {
                operations.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    operations
}

#[tokio::test]
async fn the_running_server_serves_a_valid_openapi_3_1_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path()).await;
    config.addr = "127.0.0.1:0".parse().unwrap();
    let running = server::start(config).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(
            b"GET /api/openapi.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    running.stop().await;
    let response = String::from_utf8(response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !head.to_ascii_lowercase().contains("transfer-encoding"),
        "{head}"
    );

    // Another crate's model of OpenAPI 3.1 reads it whole.
    let spec = oas3::from_json(body).expect("the document is OpenAPI 3.1 as oas3 reads it");
    let version = spec.validate_version().expect("a 3.1.x version");
    assert_eq!((version.major, version.minor), (3, 1));
    assert!(spec.openapi.starts_with("3.1."), "{}", spec.openapi);
    assert_eq!(spec.info.title, "Innovationsveckan – programmets API");
    let license = spec.info.license.as_ref().expect("a licence");
    assert!(license.name.contains("CC0 1.0"), "{}", license.name);
    assert_eq!(license.identifier.as_deref(), Some("CC0-1.0"));
    assert!(
        spec.info
            .description
            .as_deref()
            .unwrap()
            .contains("CC0 1.0")
    );
    for (path, method, operation) in spec.operations() {
        // oas3 resolves each operation's parameters and answers; a dangling
        // reference fails here.
        operation
            .parameters(&spec)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert!(
            !operation.responses(&spec).is_empty(),
            "{method} {path} has no answers"
        );
        assert!(
            operation.summary.is_some() || operation.description.is_some(),
            "{method} {path} is not described"
        );
    }

    // Every reference in it points at a schema it holds.
    let document: Value = serde_json::from_str(body).unwrap();
    let mut references = Vec::new();
    collect_references(&document, &mut references);
    assert!(references.len() > 20, "{references:?}");
    for reference in references {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the schemas: {reference}"));
        assert!(
            document["components"]["schemas"].get(name).is_some(),
            "{reference} points nowhere"
        );
    }
}

fn collect_references(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                into.push(reference.clone());
            }
            map.values().for_each(|v| collect_references(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, into)),
        _ => {}
    }
}

#[tokio::test]
async fn every_route_of_the_api_is_in_the_document() {
    let app = spawn().await;
    let document = document(&app).await;
    let expected: BTreeSet<(String, String)> = [
        ("GET", "/api/edition"),
        ("GET", "/api/health"),
        ("GET", "/api/activities"),
        ("POST", "/api/activities"),
        ("GET", "/api/activities/{id}"),
        ("PUT", "/api/activities/{id}"),
        ("POST", "/api/activities/{id}/cancel"),
        ("GET", "/api/activities.ics"),
        ("GET", "/api/activities.csv"),
        ("GET", "/api/stats"),
        ("GET", "/api/listing"),
        ("GET", "/api/openapi.json"),
        ("GET", "/api/submissions/{id}"),
        ("GET", "/api/admin/activities"),
        ("POST", "/api/admin/activities/{id}/approve"),
        ("POST", "/api/admin/activities/{id}/reject"),
        ("POST", "/api/admin/activities/{id}/restore"),
        ("GET", "/api/admin/counts"),
        ("GET", "/api/admin/audit"),
        ("GET", "/api/admin/me"),
        ("GET", "/api/admin/mail"),
        ("POST", "/api/admin/mail/{id}/retry"),
        ("POST", "/api/admin/erasure"),
    ]
    .into_iter()
    .map(|(method, path)| (method.to_owned(), path.to_owned()))
    .collect();
    assert_eq!(operations(&document), expected);

    let security = |method: &str, path: &str| {
        document["paths"][path][method.to_lowercase()]["security"].clone()
    };
    for (method, path) in &expected {
        let wanted = if path.starts_with("/api/admin/") {
            serde_json::json!([{ "admin_token": [] }])
        } else if path.starts_with("/api/submissions/")
            || (method == "PUT" && path == "/api/activities/{id}")
            || path.ends_with("/cancel")
        {
            serde_json::json!([{ "edit_token": [] }])
        } else {
            Value::Null
        };
        assert_eq!(security(method, path), wanted, "{method} {path}");
    }
    for scheme in ["admin_token", "edit_token"] {
        let scheme = &document["components"]["securitySchemes"][scheme];
        assert_eq!(scheme["type"], "http");
        assert_eq!(scheme["scheme"], "bearer");
    }
}

/// The parameters of an operation by name.
fn parameters<'a>(document: &'a Value, method: &str, path: &str) -> Vec<&'a Value> {
    document["paths"][path][method]["parameters"]
        .as_array()
        .map(|list| list.iter().collect())
        .unwrap_or_default()
}

fn parameter<'a>(document: &'a Value, method: &str, path: &str, name: &str) -> &'a Value {
    parameters(document, method, path)
        .into_iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} lacks the parameter {name}"))
}

fn enum_of(schema: &Value) -> Vec<String> {
    serde_json::from_value(schema["enum"].clone()).unwrap_or_default()
}

#[tokio::test]
async fn the_programme_lists_document_every_filter_parameter_with_its_values() {
    let app = spawn().await;
    let document = document(&app).await;
    let keys = |all: Vec<&str>| all.into_iter().map(str::to_owned).collect::<Vec<_>>();
    for path in [
        "/api/activities",
        "/api/activities.ics",
        "/api/activities.csv",
    ] {
        let query: Vec<&str> = parameters(&document, "get", path)
            .into_iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(query, ProgrammeFilter::PARAMS, "{path}");
        for name in ProgrammeFilter::PARAMS {
            let param = parameter(&document, "get", path, name);
            assert_eq!(param["required"], false, "{path} {name}");
            let description = param["description"].as_str().unwrap_or_default();
            assert!(
                description.len() > 10 && !description.starts_with("Odokumenterad"),
                "{path}: {name} is not described"
            );
        }
        let schema = |name| &parameter(&document, "get", path, name)["schema"];
        assert_eq!(
            enum_of(schema("format")),
            keys(ActivityFormat::ALL.iter().map(|f| f.key()).collect())
        );
        assert_eq!(
            enum_of(schema("theme")),
            keys(Theme::ALL.iter().map(|t| t.key()).collect())
        );
        assert_eq!(
            enum_of(schema("audience")),
            keys(Audience::ALL.iter().map(|a| a.key()).collect())
        );
        assert_eq!(enum_of(schema("region")).len(), 21);
        assert_eq!(
            enum_of(schema("municipality")).len(),
            regions::municipalities().len()
        );
        assert_eq!(schema("day")["format"], "date");
        assert_eq!(schema("q")["type"], "string");
        // A value outside the documented ones is refused as the document says.
        let refused = app.get(&format!("{path}?theme=nope")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(
            document["paths"][path]["get"]["responses"]["400"]["description"]
                .as_str()
                .unwrap()
                .contains(&refused.error())
        );
    }
    assert_eq!(
        parameter(&document, "get", "/api/activities/{id}", "id")["in"],
        "path"
    );
    assert_eq!(
        parameter(&document, "post", "/api/activities", "Idempotency-Key")["in"],
        "header"
    );
    assert_eq!(
        parameter(&document, "put", "/api/activities/{id}", "If-Match")["required"],
        true
    );
}

#[tokio::test]
async fn the_schemas_show_the_keys_and_the_error_body() {
    let app = spawn().await;
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        enum_of(&schemas["ActivityFormat"]),
        ["physical", "digital", "hybrid"]
    );
    assert!(
        schemas["ActivityFormat"]["description"]
            .as_str()
            .unwrap()
            .contains("`digital`: Digitalt")
    );
    for name in [
        "Activity",
        "ActivityStatus",
        "Venue",
        "Submission",
        "Stats",
        "ErrorCode",
        "RejectionCode",
    ] {
        assert!(schemas.get(name).is_some(), "no schema {name}");
    }
    let error = &schemas["ErrorBody"];
    assert_eq!(error["required"], serde_json::json!(["error", "message"]));
    let codes = enum_of(&error["properties"]["error"]);
    assert_eq!(codes, server::error::ERROR_CODES);

    // Each answer of an error status has the error body, and the codes each
    // one names are real codes.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
                let description = response["description"].as_str().unwrap();
                let named: Vec<&str> = description
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .filter(|word| word.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                    .collect();
                assert!(!named.is_empty(), "{method} {path} {status} names no code");
            }
        }
    }
}

#[tokio::test]
async fn the_document_has_an_etag_and_answers_304() {
    let app = spawn().await;
    let first = app.get("/api/openapi.json").await;
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    let again = app
        .get_with(
            "/api/openapi.json",
            axum::http::header::IF_NONE_MATCH,
            &etag,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

/// A sample value for each path parameter.
fn concrete(path: &str) -> String {
    path.replace("{id}", "9999")
}

#[tokio::test]
async fn every_documented_operation_reaches_its_handler() {
    let app = spawn().await;
    let document = document(&app).await;
    let ours = |reply: &common::Reply| {
        // The answers of the API's fallbacks, which no handler gives for
        // its own route.
        let fallback = reply.status == StatusCode::METHOD_NOT_ALLOWED
            || (reply.status == StatusCode::NOT_FOUND
                && reply.json()["message"] == "Det finns ingen sådan adress i API:et.");
        !fallback
    };
    for (method, path) in operations(&document) {
        let request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(concrete(&path))
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let reply = app.request(request).await;
        assert!(
            ours(&reply),
            "{method} {path} is documented but not routed: {reply:?}"
        );
    }
    // And the fallback is what an unknown route gets, so the check above
    // can tell the two apart.
    let unknown = app.get("/api/no-such-route").await;
    assert!(!ours(&unknown));
    let wrong_method = app
        .request(Request::delete("/api/edition").body(Body::empty()).unwrap())
        .await;
    assert!(!ours(&wrong_method));
}

/// The ways to add a route to an axum router without `routes!`.
const BYPASSES: [&str; 7] = [
    ".route(",
    ".route_service(",
    ".nest(",
    ".nest_service(",
    ".fallback_service(",
    "MethodRouter",
    "axum::routing",
];

/// What of `source` would add a route without the document: in the API's
/// files any bypass, elsewhere a bypass given an `/api` path. Comments are
/// left out, so the doc comments that name these calls are no finding.
fn bypasses(source: &str, in_api: bool) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let compact: String = code.split_whitespace().collect::<Vec<_>>().join("");
        for bypass in BYPASSES {
            // A method call is sought without spaces (`.route (` too), a
            // name as a name (`MethodRouter`, not `UtoipaMethodRouterExt`).
            let is_call = bypass.starts_with('.');
            let haystack = if is_call { compact.as_str() } else { code };
            for (at, _) in haystack.match_indices(bypass) {
                let glued = |c: char| c.is_alphanumeric() || c == '_';
                if !is_call && haystack[..at].ends_with(glued) {
                    continue;
                }
                let argument = &haystack[at + bypass.len()..];
                let to_api = argument.starts_with("\"/api") || argument.starts_with("\"api");
                let the_api_itself = argument.starts_with("\"/api\",api::router(");
                if (in_api || to_api) && !the_api_itself {
                    found.push(line.trim().to_owned());
                }
            }
        }
    }
    found
}

/// Every `.rs` file under `dir`, with its path.
fn sources(dir: &Path, into: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            into.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn the_scan_catches_routes_that_bypass_the_document() {
    assert_eq!(
        bypasses(
            "Router::new()\n    .route(\"/things\", get(list_things))",
            true
        )
        .len(),
        1
    );
    assert_eq!(bypasses("use axum::routing::get;", true).len(), 1);
    assert_eq!(
        bypasses(
            "let r = OpenApiRouter::new().routes(routes!(a)).route (\"/x\", m);",
            true
        )
        .len(),
        1
    );
    assert_eq!(
        bypasses("router.route(\"/api/secret\", get(h))", false).len(),
        1
    );
    assert_eq!(bypasses("router.nest( \"/api/v2\", other)", false).len(), 1);
    // What is fine: the web app's routes, the one nest of the API, comments.
    assert!(bypasses("router.route(\"/favicon.svg\", get(h))", false).is_empty());
    assert!(bypasses(".nest(\"/api\", api::router(state.clone()))", false).is_empty());
    assert!(bypasses("/// added with `.route(...)` never", true).is_empty());
    assert!(bypasses(".routes(routes!(get_edition))", true).is_empty());
    assert!(bypasses("use utoipa_axum::router::UtoipaMethodRouterExt;", true).is_empty());
    assert_eq!(
        bypasses("let m: MethodRouter<AppState> = x;", true).len(),
        1
    );
}

#[tokio::test]
async fn no_route_of_the_api_bypasses_the_document() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let api_dir = root.join("api").display().to_string();
    let mut found = Vec::new();
    let mut registered = 0;
    let mut api_files = 0;
    for (path, text) in &files {
        let in_api = path.starts_with(&api_dir);
        api_files += usize::from(in_api);
        registered += text
            .lines()
            .map(|line| line.split("//").next().unwrap_or_default())
            .map(|code| code.matches(".routes(routes!(").count())
            .sum::<usize>();
        for line in bypasses(text, in_api) {
            found.push(format!("{path}: {line}"));
        }
    }
    assert!(
        found.is_empty(),
        "routes that the OpenAPI document lacks (add them with \
         `.routes(routes!(handler))` and a #[utoipa::path]):\n{}",
        found.join("\n")
    );
    // The scan saw the API: its files, and as many registrations as the
    // document has operations (one handler, one method each).
    assert!(api_files >= 10, "{api_files} files in {api_dir}");
    let app = spawn().await;
    let document = document(&app).await;
    assert_eq!(registered, operations(&document).len());
}
