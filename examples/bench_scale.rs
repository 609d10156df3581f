//! Scale benchmark: the programme's first load with 180 activities and with
//! 10 000, in headless Chromium with the CPU slowed down four times and a
//! slow mobile network (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up),
//! a cold cache each time. It measures, by the browser's own clock from the
//! start of navigation:
//!
//! - when the first activity is on screen (its card in the page);
//! - when the search works (the app has taken over the first screen);
//! - the bytes transferred until the network is idle;
//! - the longest task after the first paint.
//!
//! and prints the ratios 10 000 : 180. Goals: first screen ≤ 1.2×, search
//! ≤ 1.5×, ≤ 500 KB, no task over 50 ms. Run with `scripts/bench-scale.sh`
//! (`BENCH_RUNS`, default 3, runs of each); results go to
//! `target/bench/scale.json`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use fantoccini::Locator;
use serde_json::{Value, json};

const SIZES: [usize; 2] = [programme::demo::DEMO_ACTIVITY_COUNT, 10_000];

/// Notes, from the document's start, when the first card is in the page and
/// when the app runs, and every long task.
const OBSERVE: &str = "
window.__firstCard = null;
window.__running = null;
window.__longTasks = [];
new MutationObserver(() => {
  if (window.__firstCard === null && document.querySelector('article.activity-card')) {
    window.__firstCard = performance.now();
  }
  if (window.__running === null && document.querySelector('#app[data-running]')) {
    window.__running = performance.now();
  }
}).observe(document, { childList: true, subtree: true, attributes: true });
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });
";

const MEASURED: &str = "
const transferred = performance.getEntriesByType('navigation')
  .concat(performance.getEntriesByType('resource'))
  .reduce((sum, entry) => sum + entry.transferSize, 0);
return {
  first_card_ms: window.__firstCard,
  search_works_ms: window.__running,
  transferred_bytes: transferred,
  longest_task_ms: Math.max(0, ...window.__longTasks),
  tasks_over_50_ms: window.__longTasks.filter((d) => d > 50).length,
};
";

async fn measure(activities: usize) -> Value {
    let visit = support::visit_with(|config| config.demo_activities = activities).await;
    let c = visit.client.clone();
    support::cdp(&c, "Network.enable", json!({})).await;
    support::cdp(
        &c,
        "Network.emulateNetworkConditions",
        json!({
            "offline": false,
            "latency": 150,
            "downloadThroughput": 1_600_000 / 8,
            "uploadThroughput": 750_000 / 8,
        }),
    )
    .await;
    support::cdp(
        &c,
        "Network.setCacheDisabled",
        json!({ "cacheDisabled": true }),
    )
    .await;
    support::cdp(&c, "Emulation.setCPUThrottlingRate", json!({ "rate": 4 })).await;
    support::cdp(
        &c,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": OBSERVE }),
    )
    .await;
    c.goto(&visit.base).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("#app[data-running]"))
        .await
        .expect("the app takes over");
    // Until the network is idle: what the app fetches after it runs.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut seen = c.execute(MEASURED, vec![]).await.unwrap();
    seen["activities"] = json!(activities);
    let _ = c.close().await;
    visit.server.abort();
    seen
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let mut report = serde_json::Map::new();
    let mut medians = Vec::new();
    for activities in SIZES {
        let mut all = Vec::new();
        for _ in 0..runs {
            let seen = measure(activities).await;
            eprintln!("{seen}");
            all.push(seen);
        }
        let field = |name: &str| -> Vec<f64> {
            all.iter()
                .map(|seen| seen[name].as_f64().unwrap_or(f64::NAN))
                .collect()
        };
        let summary = json!({
            "first_card_ms": field("first_card_ms"),
            "search_works_ms": field("search_works_ms"),
            "transferred_bytes": field("transferred_bytes"),
            "longest_task_ms": field("longest_task_ms"),
            "tasks_over_50_ms": field("tasks_over_50_ms"),
        });
        medians.push((
            median(field("first_card_ms")),
            median(field("search_works_ms")),
        ));
        report.insert(activities.to_string(), summary);
    }
    let (small, large) = (medians[0], medians[1]);
    report.insert(
        "ratio_first_card".into(),
        json!((large.0 / small.0 * 100.0).round() / 100.0),
    );
    report.insert(
        "ratio_search_works".into(),
        json!((large.1 / small.1 * 100.0).round() / 100.0),
    );
    let report = Value::Object(report);
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    std::fs::create_dir_all("target/bench").unwrap();
    std::fs::write("target/bench/scale.json", report.to_string()).unwrap();
}
