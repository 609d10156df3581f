//! The browser harness shared by the end-to-end tests and the interaction
//! benchmark: the real server on a real socket with a fresh SQLite file, and
//! headless Chromium driven through ChromeDriver.
#![allow(dead_code)] // each includer uses a part

pub mod wizard;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use server::{Config, RunningServer};

pub const WAIT: Duration = Duration::from_secs(20);

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// ChromeDriver for one test, stopped when dropped.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server with a fresh database, a browser, and the address to visit.
pub struct Visit {
    pub client: Client,
    pub base: String,
    pub server: RunningServer,
    /// The settings the server runs with, its real address included: start
    /// another server with them to bring the same one back.
    pub config: Config,
    _driver: Driver,
    _dir: tempfile::TempDir,
}

pub async fn visit_with(configure: impl FnOnce(&mut Config)) -> Visit {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist");
    assert!(
        dist.join("index.html").exists(),
        "no release build in dist/: run scripts/test.sh, which builds it first"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::with_data_dir(dir.path().join("data"));
    config.dist_dir = dist;
    configure(&mut config);
    let server = server::start(config.clone()).await.unwrap();
    config.addr = server.addr;

    let port = free_port();
    let chromedriver = std::env::var("IV_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {chromedriver} ({e}): run scripts/setup.sh test")
            }),
    );
    let profile = dir.path().join("chromium-profile");
    let chromium = std::env::var("IV_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let capabilities = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!(),
    };
    let started = Instant::now();
    let client = loop {
        let attempt = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(client) => break client,
            Err(_) if started.elapsed() < WAIT => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            Err(e) => panic!("ChromeDriver did not answer: {e}"),
        }
    };
    // Record every Content-Security-Policy violation the pages report.
    cdp(
        &client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' blocked ' + e.blockedURI));" }),
    )
    .await;
    // Sum every layout shift the page reports.
    cdp(
        &client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": LAYOUT_SHIFTS }),
    )
    .await;
    Visit {
        client,
        base: format!("http://{}", server.addr),
        server,
        config,
        _driver: driver,
        _dir: dir,
    }
}

const LAYOUT_SHIFTS: &str = r#"
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({ type: 'layout-shift', buffered: true });
"#;

/// Waits until the app runs: it has taken the place of the first screen
/// the server sent (which shows the same, but whose buttons do nothing
/// yet). After a page load, before the test acts like a visitor.
pub async fn app_started(client: &Client) {
    // The app marks its element when it has taken the first screen's place.
    eventually("the app to take over the first screen", || async {
        let running = client
            .find_all(Locator::Css("#app[data-running]"))
            .await
            .map_err(|e| e.to_string())?;
        Ok(!running.is_empty())
    })
    .await;
}

/// Opens an address, as typed into the browser, and waits for the app.
pub async fn goto(client: &Client, url: &str) {
    client.goto(url).await.unwrap();
    app_started(client).await;
}

/// Runs a test body in the browser and always closes the browser, even when an
/// assertion fails, so no Chromium is left running.
pub async fn in_browser<F, Fut>(configure: impl FnOnce(&mut Config), body: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let visit = visit_with(configure).await;
    let client = visit.client.clone();
    let test = body(client.clone(), visit.base.clone());
    let outcome = tokio::spawn(async move {
        test.await;
        let violations = client
            .execute("return window.__cspViolations || []", vec![])
            .await
            .unwrap();
        assert_eq!(
            violations,
            json!([]),
            "the page broke its Content-Security-Policy"
        );
    })
    .await;
    let _ = visit.client.close().await;
    visit.server.abort();
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// The keys of local storage that start with `prefix`.
pub async fn local_storage_keys(client: &Client, prefix: &str) -> Vec<String> {
    let keys = client
        .execute(
            "return Object.keys(localStorage).filter(k => k.startsWith(arguments[0]))",
            vec![json!(prefix)],
        )
        .await
        .unwrap();
    serde_json::from_value(keys).unwrap()
}

/// Polls until `check` is true, or fails with what it last saw.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, String>>,
{
    let started = Instant::now();
    loop {
        let seen = check().await;
        if seen == Ok(true) {
            return;
        }
        if started.elapsed() > WAIT {
            panic!("timed out waiting for {what}; last seen: {seen:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn text_of(client: &Client, css: &str) -> Result<String, String> {
    let element = client
        .find(Locator::Css(css))
        .await
        .map_err(|e| e.to_string())?;
    element.text().await.map_err(|e| e.to_string())
}

/// The form field whose label reads `label`, as a visitor finds it.
pub async fn field(client: &Client, label: &str) -> fantoccini::elements::Element {
    app_started(client).await;
    let label_element = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!(
            "//label[normalize-space()='{label}']"
        )))
        .await
        .unwrap_or_else(|e| panic!("no field labelled {label}: {e}"));
    let id = label_element
        .attr("for")
        .await
        .unwrap()
        .expect("the label points to a field");
    client.find(Locator::Id(&id)).await.unwrap()
}

/// A Chrome DevTools Protocol command, sent through ChromeDriver, for what
/// WebDriver itself cannot do (blocking requests, throttling).
#[derive(Debug)]
pub struct Cdp {
    pub cmd: &'static str,
    pub params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

pub async fn cdp(client: &Client, cmd: &'static str, params: serde_json::Value) {
    client
        .issue_cmd(Cdp { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("CDP {cmd} failed: {e}"));
}

/// The tags axe checks: WCAG 2.0, 2.1 and 2.2 at A and AA, and best practice.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  rules: { 'target-size': { enabled: true } },
  resultTypes: ['violations'],
}).then(r => done(r.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help}\n    at ${v.nodes.map(n => n.target.join(' ')).join('\n    at ')}`)))
  .catch(e => done([`axe failed to run: ${e}`]));
"#;

/// Runs axe-core on the page as it is now, at 320 px (a small phone) and at
/// 1280 px, and fails with every violation's rule, impact and targets.
pub async fn axe_violations(client: &Client) -> Vec<String> {
    let axe =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe)
        .unwrap_or_else(|e| panic!("{} ({e}): run scripts/setup.sh test", axe.display()));
    client.execute(&axe, vec![]).await.unwrap();
    let found = client.execute_async(AXE_RUN, vec![]).await.unwrap();
    serde_json::from_value(found).unwrap()
}

pub async fn assert_accessible(client: &Client, state: &str) {
    for width in [320, 1280] {
        let metrics =
            json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600 });
        cdp(client, "Emulation.setDeviceMetricsOverride", metrics).await;
        let violations = axe_violations(client).await;
        assert!(
            violations.is_empty(),
            "axe: {} violation(s) on {state} at {width} px:\n{}",
            violations.len(),
            violations.join("\n")
        );
        let overflow = client
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap_or(1) <= 0,
            "{state} scrolls sideways at {width} px"
        );
    }
    cdp(client, "Emulation.clearDeviceMetricsOverride", json!({})).await;
}

pub async fn wait_for_text(client: &Client, css: &str, text: &str) {
    eventually(&format!("{text:?} in {css}"), || async {
        Ok(text_of(client, css).await?.contains(text))
    })
    .await;
}

/// What has keyboard focus, as "tag#id text" (the text as in the page,
/// visually hidden parts of a name included).
pub async fn focused(client: &Client) -> String {
    let seen = client
        .execute(
            "const e = document.activeElement; \
             return e.tagName.toLowerCase() + '#' + e.id + ' ' + e.textContent.trim();",
            vec![],
        )
        .await
        .unwrap();
    seen.as_str().unwrap_or_default().to_owned()
}

/// Presses one key where the focus is.
pub async fn press(client: &Client, key: fantoccini::key::Key) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(&String::from(char::from(key)))
        .await
        .unwrap();
}

/// Tabs forward until the focused element starts as `wanted` ("tag#id
/// text"), at most `limit` times.
pub async fn tab_to(client: &Client, wanted: &str, limit: usize) {
    app_started(client).await;
    for _ in 0..limit {
        if focused(client).await.starts_with(wanted) {
            return;
        }
        press(client, fantoccini::key::Key::Tab).await;
    }
    panic!(
        "Tab never reached {wanted}; focus is on {}",
        focused(client).await
    );
}
