//! Interaction benchmark: a programme of 5 000 activities in headless Chromium
//! with the CPU slowed down four times (a mid-range phone), 200 keystrokes in the
//! search field and a change of every filter, timed by the browser's own Event
//! Timing API. Goal: no interaction over 50 ms.
//!
//! Run with `scripts/bench-interaction.sh`; results go to
//! `target/bench/interaction.json`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

const ACTIVITIES: usize = 5_000;
const KEYSTROKES: usize = 200;

/// Collects every event the browser times at 16 ms or more (the least it reports).
const OBSERVE: &str = "
window.__timings = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__timings.push({ name: e.name, duration: e.duration, processing: e.processingEnd - e.processingStart, delay: e.processingStart - e.startTime });
}).observe({ type: 'event', durationThreshold: 16, buffered: false });
";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let visit = support::visit_with(|config| config.demo_activities = ACTIVITIES).await;
    let c = visit.client.clone();
    c.goto(&visit.base).await.unwrap();
    c.wait()
        .at_most(support::WAIT)
        .for_element(Locator::Css("article.activity-card"))
        .await
        .expect("the programme renders");
    support::cdp(&c, "Emulation.setCPUThrottlingRate", json!({ "rate": 4 })).await;
    c.execute(OBSERVE, vec![]).await.unwrap();

    // Type words and erase them again, one key at a time, as a visitor would.
    let search = support::field(&c, "Sök").await;
    if std::env::var("BENCH_PROFILE").is_ok() {
        profile_typing(&c, &search).await;
    }
    let words = [
        "digital", "umeå", "vård", "kommun", "ai", "grön", "skola", "region",
    ];
    let mut typed = 0;
    'typing: for word in words.iter().cycle() {
        for ch in word.chars() {
            search.send_keys(&ch.to_string()).await.unwrap();
            typed += 1;
            if typed == KEYSTROKES {
                break 'typing;
            }
        }
        for _ in word.chars() {
            search.send_keys("\u{E003}").await.unwrap(); // Backspace
            typed += 1;
            if typed == KEYSTROKES {
                break 'typing;
            }
        }
    }
    search.clear().await.unwrap();

    // Every filter, two choices each.
    let mut changes = 0;
    for label in ["Dag", "Format", "Län", "Kommun", "Tema", "Målgrupp"] {
        for index in [1, 2] {
            let select = support::field(&c, label).await;
            select.select_by_index(index).await.unwrap();
            changes += 1;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    let timings = c.execute("return window.__timings", vec![]).await.unwrap();
    if std::env::var("BENCH_DEBUG").is_ok() {
        for t in timings.as_array().unwrap() {
            if t["duration"].as_f64().unwrap_or(0.0) > 50.0 {
                eprintln!("{t}");
            }
        }
    }
    let mut durations: Vec<(String, f64)> = timings
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or("?").to_owned(),
                t["duration"].as_f64().unwrap_or(0.0),
            )
        })
        .collect();
    durations.sort_by(|a, b| a.1.total_cmp(&b.1));
    let slow = durations.iter().filter(|(_, d)| *d > 50.0).count();
    let longest = durations.last().cloned().unwrap_or(("none".into(), 0.0));
    let median_reported = durations.get(durations.len() / 2).map_or(0.0, |d| d.1);
    let result = json!({
        "activities": ACTIVITIES,
        "cpu_slowdown": 4,
        "keystrokes": KEYSTROKES,
        "filter_changes": changes,
        "events_timed_over_16_ms": durations.len(),
        "events_over_50_ms": slow,
        "longest_event": { "type": longest.0, "duration_ms": longest.1 },
        "median_of_events_over_16_ms": median_reported,
    });
    println!("{}", serde_json::to_string_pretty(&result).unwrap());
    std::fs::create_dir_all("target/bench").unwrap();
    std::fs::write("target/bench/interaction.json", result.to_string()).unwrap();
    let _ = c.close().await;
    visit.server.abort();
}

/// With BENCH_PROFILE set: samples the page's JavaScript and WebAssembly while
/// typing, and prints the functions that took the most time themselves.
async fn profile_typing(c: &fantoccini::Client, search: &fantoccini::elements::Element) {
    support::cdp(c, "Performance.enable", json!({})).await;
    let before = c
        .issue_cmd(support::Cdp {
            cmd: "Performance.getMetrics",
            params: json!({}),
        })
        .await
        .unwrap();
    support::cdp(c, "Profiler.enable", json!({})).await;
    support::cdp(
        c,
        "Profiler.setSamplingInterval",
        json!({ "interval": 200 }),
    )
    .await;
    support::cdp(c, "Profiler.start", json!({})).await;
    for ch in "digitaliseringen".chars() {
        search.send_keys(&ch.to_string()).await.unwrap();
    }
    for _ in 0..16 {
        search.send_keys("\u{E003}").await.unwrap();
    }
    let profile = c
        .issue_cmd(support::Cdp {
            cmd: "Profiler.stop",
            params: json!({}),
        })
        .await
        .unwrap();
    let counts = c.execute("return ['*','article','section','li','option','select','button','h2'].map(s => s + '=' + document.querySelectorAll(s).length).join(' ')", vec![]).await.unwrap();
    eprintln!("metric dom {counts}");
    let after = c
        .issue_cmd(support::Cdp {
            cmd: "Performance.getMetrics",
            params: json!({}),
        })
        .await
        .unwrap();
    for (b, a) in before["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["metrics"].as_array().unwrap())
    {
        let delta = a["value"].as_f64().unwrap() - b["value"].as_f64().unwrap();
        if delta != 0.0 {
            eprintln!("metric {} {delta:.3}", a["name"].as_str().unwrap());
        }
    }
    let profile = &profile["profile"];
    let mut names = std::collections::HashMap::new();
    for node in profile["nodes"].as_array().unwrap() {
        let frame = &node["callFrame"];
        names.insert(
            node["id"].as_i64().unwrap(),
            format!(
                "{} {}:{}",
                frame["functionName"].as_str().unwrap_or(""),
                frame["url"]
                    .as_str()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or(""),
                frame["lineNumber"]
            ),
        );
    }
    let mut self_time: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    let samples = profile["samples"].as_array().unwrap();
    let deltas = profile["timeDeltas"].as_array().unwrap();
    for (sample, delta) in samples.iter().zip(deltas) {
        let name = names[&sample.as_i64().unwrap()].clone();
        *self_time.entry(name).or_default() += delta.as_f64().unwrap() / 1000.0;
    }
    let mut top: Vec<_> = self_time.into_iter().collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (name, ms) in top.iter().take(30) {
        eprintln!("{ms:8.1} ms  {name}");
    }
}
