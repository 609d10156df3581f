//! The operators' app at `/admin` (`admin.html`, `src/bin/admin.rs`): signing
//! in with an operator token (kept in session storage, gone when the tab
//! closes), the queue of registrations to review with quick checks, approving
//! and rejecting with a reason, the published activities changed since their
//! approval (and what changed), undoing a cancellation, the counts, the
//! e-mail outbox's troubles, erasing one person's data on request and the
//! latest decisions. Neither public app
//! carries this code.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use programme::changes::{Part, list_in_words};
use programme::moderation::{Check, RejectionCode, quick_checks};
use programme::time::{format_day, format_moment_text as moment, format_time_span, to_stockholm};
use programme::{Activity, ActivityStatus};

use crate::api::ApiError;
use crate::api::admin::{self, AdminActivity, AuditEntry, MailOverview, MailProblem};
use crate::components::form::focus_id;
use crate::components::{SiteFooter, SiteHeader};

/// Where the token is kept for the tab's life.
const TOKEN_KEY: &str = "iv.v1.admin-token";

fn session() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

fn stored_token() -> Option<String> {
    session()?.get_item(TOKEN_KEY).ok().flatten()
}

/// The operators' app.
#[component]
pub fn AdminApp() -> impl IntoView {
    // Every link of the shared header and footer leads out of this app.
    provide_context(crate::Part::Admin);
    view! {
        <Router>
            <a class="skip-link" href="#innehall" on:click=|ev| {
                ev.prevent_default();
                focus_id("innehall");
            }>"Hoppa till innehållet"</a>
            <SiteHeader />
            <main id="innehall" tabindex="-1">
                <Routes fallback=|| view! {
                    <div class="page"><h1>"Sidan finns inte"</h1><p><a href="/admin">"Till granskningen"</a></p></div>
                }>
                    <Route path=path!("/admin") view=AdminPage />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

/// `/admin`: signing in, then the moderation.
#[component]
fn AdminPage() -> impl IntoView {
    let token = RwSignal::new(stored_token());
    Effect::new(move |_| {
        let title = if token.with(Option::is_some) {
            "Granskning"
        } else {
            "Logga in"
        };
        document().set_title(&format!("{title} – Innovationsveckan"));
    });
    view! {
        <div class="page page--narrow">
            {move || match token.get() {
                None => view! { <SignIn token /> }.into_any(),
                Some(value) => view! { <Moderation value token /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn SignIn(token: RwSignal<Option<String>>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = typed.get_untracked().trim().to_owned();
        if value.is_empty() {
            failure.set(Some("Skriv din operatörsnyckel.".to_owned()));
            request_animation_frame(|| focus_id("admin-token"));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let outcome = admin::all_activities(&value).await;
            busy.set(false);
            match outcome {
                Ok(_) => {
                    if let Some(storage) = session() {
                        let _ = storage.set_item(TOKEN_KEY, &value);
                    }
                    token.set(Some(value));
                }
                Err(error) => {
                    failure.set(Some(match error {
                        ApiError::Status { status: 401, .. } => {
                            "Nyckeln stämmer inte. Kontrollera den och försök igen.".to_owned()
                        }
                        ApiError::Status { status: 429, .. } => {
                            "För många försök med fel nyckel. Vänta en stund och försök igen."
                                .to_owned()
                        }
                        other => other.message(),
                    }));
                    request_animation_frame(|| focus_id("admin-token"));
                }
            }
        });
    };
    view! {
        <h1>"Logga in för att granska"</h1>
        <p class="lead">"Här granskar Innovationsveckans operatörer de anmälda aktiviteterna."</p>
        <form novalidate on:submit=submit>
            <div class="field" class:field--error=move || failure.with(Option::is_some)>
                <label for="admin-token">"Operatörsnyckel"</label>
                <p class="hint" id="admin-token-hint">"Nyckeln finns i serverns inställningar. Den sparas bara i den här fliken."</p>
                {move || failure.get().map(|message| view! {
                    <p class="field-error" id="admin-token-error" role="alert">
                        <span class="visually-hidden">"Fel: "</span>{message}
                    </p>
                })}
                <input
                    id="admin-token"
                    type="password"
                    autocomplete="current-password"
                    aria-describedby=move || if failure.with(Option::is_some) { "admin-token-hint admin-token-error" } else { "admin-token-hint" }
                    aria-invalid=move || failure.with(Option::is_some).then_some("true")
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
            </div>
            <button type="submit" class="button" disabled=move || busy.get()>"Logga in"</button>
        </form>
    }
}

/// "måndag 5 oktober, 09.00–10.30".
fn when(activity: &Activity) -> String {
    format!(
        "{}, {}",
        format_day(to_stockholm(&activity.starts_at).date_naive()),
        format_time_span(&activity.starts_at, &activity.ends_at)
    )
}

#[component]
fn Moderation(value: String, token: RwSignal<Option<String>>) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let announcement = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let list_token = value.clone();
    let list = LocalResource::new(move || {
        reload.track();
        let token = list_token.clone();
        async move { admin::all_activities(&token).await }
    });
    let me_token = value.clone();
    let me = LocalResource::new(move || {
        let token = me_token.clone();
        async move { admin::me(&token).await }
    });
    let audit_token = value.clone();
    let audit = LocalResource::new(move || {
        reload.track();
        let token = audit_token.clone();
        async move { admin::audit(&token, AUDIT_SHOWN).await }
    });
    let value_for_mail = value.clone();
    let erasure_token = value.clone();
    let mail_token = value.clone();
    let mail = LocalResource::new(move || {
        reload.track();
        let token = mail_token.clone();
        async move { admin::mail(&token).await }
    });
    let sign_out = move |_| {
        if let Some(storage) = session() {
            let _ = storage.remove_item(TOKEN_KEY);
        }
        token.set(None);
    };
    // After a decision: the lists again, the outcome read out, focus on the queue.
    let decided = Callback::new(move |outcome: Result<String, ApiError>| {
        match outcome {
            Ok(message) => {
                failure.set(None);
                announcement.set(message);
            }
            Err(ApiError::Status { status: 401, .. }) => {
                if let Some(storage) = session() {
                    let _ = storage.remove_item(TOKEN_KEY);
                }
                token.set(None);
                return;
            }
            Err(error) => failure.set(Some(error.message())),
        }
        reload.update(|n| *n += 1);
        request_animation_frame(|| focus_id("koen"));
    });
    view! {
        <h1>"Granskning"</h1>
        <p class="visually-hidden" role="status">{move || announcement.get()}</p>
        {move || failure.get().map(|message| view! {
            <div class="notice notice--error" role="alert"><p>{message}</p></div>
        })}
        <p>
            {move || me.get().and_then(Result::ok).map(|me| format!("Inloggad som {}. ", me.name))}
            <button type="button" class="button button--secondary" on:click=sign_out>"Logga ut"</button>
        </p>
        {move || match list.get() {
            None => view! { <crate::components::Loading /> }.into_any(),
            Some(Err(error)) => view! {
                <div class="notice notice--error" role="alert"><p>{error.message()}</p></div>
            }
            .into_any(),
            Some(Ok(all)) => {
                let programme: Vec<Activity> = all
                    .iter()
                    .filter(|a| matches!(a.activity.status, ActivityStatus::Published | ActivityStatus::Cancelled))
                    .map(|a| a.activity.clone())
                    .collect();
                let counts = admin::counts(&all)
                    .into_iter()
                    .map(|(status, n)| view! { <div><dt>{status.label()}</dt><dd>{n}</dd></div> })
                    .collect_view();
                let mut pending: Vec<AdminActivity> = all
                    .iter()
                    .filter(|a| a.activity.status == ActivityStatus::Pending)
                    .cloned()
                    .collect();
                pending.sort_by(|a, b| a.created_at.cmp(&b.created_at));
                let changed: Vec<AdminActivity> = all
                    .iter()
                    .filter(|a| a.activity.status == ActivityStatus::Published && a.changed_since_approval)
                    .cloned()
                    .collect();
                let waiting = pending.len();
                let changed_none = changed.is_empty();
                let queue = pending
                    .into_iter()
                    .map(|item| {
                        let checks = quick_checks(&item.activity, &programme);
                        view! { <QueueItem item checks token=value.clone() decided /> }
                    })
                    .collect_view();
                let changed_items = changed
                    .into_iter()
                    .map(|item| {
                        let title = item.activity.title.clone();
                        let id = item.activity.id.clone();
                        let token = value.clone();
                        let approve = move |_| {
                            let (token, id, title) = (token.clone(), id.clone(), title.clone());
                            leptos::task::spawn_local(async move {
                                let outcome = admin::approve(&token, &id).await;
                                decided.run(outcome.map(|_| format!("Ändringen av ”{title}” är godkänd.")));
                            });
                        };
                        let parts: Vec<Part> = item.changed_parts.iter().filter_map(|key| Part::from_key(key)).collect();
                        let what = if parts.is_empty() {
                            "Ändrat: inget som syns i programmet.".to_owned()
                        } else {
                            format!("Ändrat: {}.", list_in_words(&parts))
                        };
                        view! {
                            <li class="draft">
                                <h3>{item.activity.title.clone()}</h3>
                                <p>{when(&item.activity)}</p>
                                <p><strong>{what}</strong></p>
                                <p class="hint">"Ändrad av arrangören efter godkännandet. Ändringen syns redan i programmet."</p>
                                <button type="button" class="button button--secondary" on:click=approve>
                                    "Godkänn ändringen"<span class="visually-hidden">{format!(" av ”{}”", item.activity.title)}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                let cancelled: Vec<AdminActivity> = all
                    .iter()
                    .filter(|a| a.activity.status == ActivityStatus::Cancelled)
                    .cloned()
                    .collect();
                let cancelled_count = cancelled.len();
                let cancelled_items = cancelled
                    .into_iter()
                    .map(|item| view! { <CancelledItem item token=value.clone() decided /> })
                    .collect_view();
                view! {
                    <h2>"Läget"</h2>
                    <dl class="facts facts--wide">{counts}</dl>
                    <h2 id="koen" tabindex="-1">{format!("Väntar på granskning ({waiting})")}</h2>
                    {(waiting == 0).then(|| view! { <p>"Inga anmälningar väntar på granskning."</p> })}
                    <ul class="draft-list">{queue}</ul>
                    <h2>"Ändrade sedan godkännandet"</h2>
                    {changed_none.then(|| view! { <p>"Inga publicerade aktiviteter har ändrats sedan de godkändes."</p> })}
                    <ul class="draft-list">{changed_items}</ul>
                    <h2>{format!("Inställda ({cancelled_count})")}</h2>
                    {(cancelled_count == 0).then(|| view! { <p>"Inga aktiviteter är inställda."</p> })}
                    <ul class="draft-list">{cancelled_items}</ul>
                }
                .into_any()
            }
        }}
        <h2>"E-post"</h2>
        {move || match mail.get() {
            None => view! { <crate::components::Loading /> }.into_any(),
            Some(Err(error)) => view! { <p>{error.message()}</p> }.into_any(),
            Some(Ok(overview)) => view! { <MailStatus overview token=value_for_mail.clone() decided /> }.into_any(),
        }}
        <Erasure token=erasure_token decided />
        <h2>"Senaste händelserna"</h2>
        {move || match audit.get() {
            None => view! { <crate::components::Loading /> }.into_any(),
            Some(Err(error)) => view! { <p>{error.message()}</p> }.into_any(),
            Some(Ok(entries)) if entries.is_empty() => view! { <p>"Inget har hänt ännu."</p> }.into_any(),
            Some(Ok(entries)) => view! {
                <ol class="audit">{entries.iter().map(audit_line).collect_view()}</ol>
            }
            .into_any(),
        }}
    }
}

/// Erasing one person's contact data on their request (GDPR, article 17):
/// the address, a confirmation that names it, and what was erased read out.
#[component]
fn Erasure(token: String, decided: Callback<Result<String, ApiError>>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The shared validator, as the server checks the same field.
        let mut errors = programme::FieldErrors::default();
        errors.email("email", &email.get_untracked());
        let trouble = errors.iter().next().and_then(|(field, codes)| {
            codes
                .first()
                .map(|code| programme::submission::error_message(field, *code))
        });
        let refused = trouble.is_some();
        problem.set(trouble);
        if refused {
            request_animation_frame(|| focus_id("radera-epost"));
            return;
        }
        confirming.set(true);
        request_animation_frame(|| focus_id("radera-bekrafta"));
    };
    let erase = move |_| {
        let token = token.clone();
        let address = email.get_untracked().trim().to_owned();
        leptos::task::spawn_local(async move {
            let outcome = admin::erase_person(&token, &address).await;
            if outcome.is_ok() {
                email.set(String::new());
            }
            confirming.set(false);
            decided.run(outcome.map(|erased| match (erased.activities.len(), erased.messages) {
                (0, 0) => format!("Det fanns inga uppgifter om {address}."),
                (activities, messages) => format!(
                    "Uppgifterna om {address} togs bort ur {activities} {} och {messages} mejl.",
                    if activities == 1 { "aktivitet" } else { "aktiviteter" },
                ),
            }));
        });
    };
    view! {
        <h2>"Ta bort en persons uppgifter"</h2>
        <p>
            "När någon ber att få sina personuppgifter borttagna: kontaktpersonens namn, "
            "e-postadress och telefon tas bort ur alla aktiviteter med den adressen, och "
            "mejlen till den väntar inte längre. Aktiviteterna finns kvar."
        </p>
        <form novalidate on:submit=ask>
            <div class="field" class:field--error=move || problem.get().is_some()>
                <label for="radera-epost">"E-postadress"</label>
                <p class="hint" id="radera-epost-hint">"Samma adress som i anmälan. Stora och små bokstäver spelar ingen roll."</p>
                {move || problem.get().map(|message| view! {
                    <p class="field-error" id="radera-epost-fel" role="alert"><span class="visually-hidden">"Fel: "</span>{message}</p>
                })}
                <input id="radera-epost" type="email" autocomplete="off"
                    aria-describedby=move || if problem.get().is_some() { "radera-epost-hint radera-epost-fel" } else { "radera-epost-hint" }
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    prop:value=move || email.get()
                    on:input=move |ev| { email.set(event_target_value(&ev)); confirming.set(false); } />
            </div>
            <button type="submit" class="button button--secondary">"Ta bort uppgifterna"</button>
        </form>
        <Show when=move || confirming.get()>
            <div class="confirm" role="group" aria-label="Bekräfta borttagningen">
                <p>{move || format!("Ta bort alla uppgifter om {}? Det går inte att ångra.", email.get().trim())}</p>
                <button type="button" id="radera-bekrafta" class="button button--danger" on:click=erase.clone()>"Ja, ta bort dem"</button>
                <button type="button" class="button button--secondary" on:click=move |_| confirming.set(false)>"Avbryt"</button>
            </div>
        </Show>
    }
}

/// How many audit rows the screen shows.
const AUDIT_SHOWN: u32 = 50;

/// One decision or change, as a sentence.
fn audit_line(entry: &AuditEntry) -> impl IntoView + use<> {
    // The organiser's own changes and the server's retention are named as such.
    let who = match entry.operator.as_str() {
        "arrangör" => "Arrangören".to_owned(),
        "gallring" => "Den automatiska gallringen".to_owned(),
        operator => operator.to_owned(),
    };
    let what = entry.title.as_deref().map_or_else(
        || "en aktivitet som inte längre finns".to_owned(),
        |title| format!("”{title}”"),
    );
    let verb = match entry.action.as_str() {
        "approve" => "godkände",
        "reject" => "avvisade",
        "restore" => "ångrade inställningen av",
        "edit" => "ändrade",
        "cancel" => "ställde in",
        "erase" => "tog bort personuppgifterna i",
        _ => "ändrade status för",
    };
    let reason = entry
        .reason
        .clone()
        .map(|reason| view! { <br />{format!("Skäl: {reason}")} });
    view! {
        <li>
            <span class="hint">{moment(&entry.at)}</span><br />
            {format!("{who} {verb} {what}.")}
            {reason}
        </li>
    }
}

/// What a message in the outbox is, in words.
fn mail_kind(kind: &str) -> &'static str {
    match kind {
        "received" => "Kvitto till arrangören",
        "approved" => "Besked om godkännande till arrangören",
        "rejected" => "Besked om avvisning till arrangören",
        "restored" => "Besked om ångrad inställning till arrangören",
        "to_review" => "Anmälan att granska, till granskarna",
        "published_changed" => "Ändrad publicerad aktivitet, till granskarna",
        "published_cancelled" => "Inställd publicerad aktivitet, till granskarna",
        _ => "Mejl",
    }
}

/// The outbox: how many messages wait, were sent and were given up, and
/// each one in trouble, with a retry for those given up.
#[component]
fn MailStatus(
    overview: MailOverview,
    token: String,
    decided: Callback<Result<String, ApiError>>,
) -> impl IntoView {
    let problems = overview
        .problems
        .into_iter()
        .map(|problem| mail_problem(problem, token.clone(), decided))
        .collect_view();
    let none = overview.waiting == 0 && overview.failed == 0;
    view! {
        <dl class="facts facts--wide">
            <div><dt>"Väntar på att skickas"</dt><dd>{overview.waiting}</dd></div>
            <div><dt>"Skickade"</dt><dd>{overview.sent}</dd></div>
            <div><dt>"Uppgivna"</dt><dd>{overview.failed}</dd></div>
        </dl>
        {none.then(|| view! { <p>"Inga mejl väntar och inga har misslyckats."</p> })}
        <ul class="draft-list">{problems}</ul>
    }
}

fn mail_problem(
    problem: MailProblem,
    token: String,
    decided: Callback<Result<String, ApiError>>,
) -> impl IntoView {
    let heading = format!("{} om ”{}”", mail_kind(&problem.kind), problem.title);
    let state = match (&problem.failed_at, &problem.next_attempt_at) {
        (Some(at), _) => format!("Uppgivet {} efter {} försök.", moment(at), problem.attempts),
        (None, Some(at)) => format!(
            "{} försök hittills. Nästa försök {}.",
            problem.attempts,
            moment(at)
        ),
        (None, None) => format!("{} försök.", problem.attempts),
    };
    let given_up = problem.failed_at.is_some();
    let id = problem.id;
    let title = problem.title.clone();
    let retry = move |_| {
        let (token, title) = (token.clone(), title.clone());
        leptos::task::spawn_local(async move {
            let outcome = admin::retry_mail(&token, id).await;
            decided.run(outcome.map(|_| format!("Mejlet om ”{title}” skickas igen.")));
        });
    };
    view! {
        <li class="draft">
            <h3>{heading}</h3>
            <p>{format!("Till: {}", problem.to.join(", "))}</p>
            <p>{state}</p>
            {problem.last_error.map(|error| view! { <p class="hint">{format!("Senaste felet: {error}")}</p> })}
            {given_up.then(|| view! {
                <button type="button" class="button button--secondary" on:click=retry.clone()>
                    "Försök igen"<span class="visually-hidden">{format!(" med mejlet om ”{}”", problem.title)}</span>
                </button>
            })}
        </li>
    }
}

/// A cancelled activity, with the undo.
#[component]
fn CancelledItem(
    item: AdminActivity,
    token: String,
    decided: Callback<Result<String, ApiError>>,
) -> impl IntoView {
    let activity = item.activity;
    let (id, title) = (activity.id.clone(), activity.title.clone());
    let restore = move |_| {
        let (token, id, title) = (token.clone(), id.clone(), title.clone());
        leptos::task::spawn_local(async move {
            let outcome = admin::restore(&token, &id).await;
            decided.run(outcome.map(|restored| {
                if restored.activity.status == ActivityStatus::Published {
                    format!("Inställningen av ”{title}” är ångrad. Den finns i programmet igen.")
                } else {
                    format!("Inställningen av ”{title}” är ångrad. Den väntar på granskning.")
                }
            }));
        });
    };
    view! {
        <li class="draft">
            <h3>{activity.title.clone()}</h3>
            <p>{when(&activity)}</p>
            {activity.cancellation_reason.clone().map(|reason| view! { <p>{format!("Skäl: {reason}")}</p> })}
            <button type="button" class="button button--secondary" on:click=restore>
                "Ångra inställningen"<span class="visually-hidden">{format!(" av ”{}”", activity.title)}</span>
            </button>
        </li>
    }
}

/// One registration in the queue, with its checks and the decisions.
#[component]
fn QueueItem(
    item: AdminActivity,
    checks: Vec<Check>,
    token: String,
    decided: Callback<Result<String, ApiError>>,
) -> impl IntoView {
    let activity = item.activity;
    let id = activity.id.clone();
    let title = activity.title.clone();
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(None::<RejectionCode>);
    let more = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let approve = {
        let (token, id, title) = (token.clone(), id.clone(), title.clone());
        move |_| {
            let (token, id, title) = (token.clone(), id.clone(), title.clone());
            leptos::task::spawn_local(async move {
                let outcome = admin::approve(&token, &id).await;
                decided.run(outcome.map(|_| format!("”{title}” är godkänd och publicerad.")));
            });
        }
    };
    let slug = programme::filter::percent_encode(&id);
    let group = format!("skal-{slug}");
    let more_id = format!("mer-{slug}");
    let ask = {
        let group = group.clone();
        move |_| {
            rejecting.set(true);
            let first = format!("{group}-{}", RejectionCode::ALL[0].key());
            request_animation_frame(move || focus_id(&first));
        }
    };
    let reject = move |_| {
        let code = reason.get_untracked();
        let standard = code
            .and_then(RejectionCode::standard_text)
            .unwrap_or_default();
        let text = [standard, more.get_untracked().trim()]
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() {
            missing.set(true);
            return;
        }
        let (token, id, title) = (token.clone(), id.clone(), title.clone());
        leptos::task::spawn_local(async move {
            let outcome = admin::reject(&token, &id, &text, code).await;
            decided.run(outcome.map(|_| format!("”{title}” är avvisad.")));
        });
    };
    let checks = checks
        .into_iter()
        .map(|check| {
            let mark = if check.ok {
                "Uppfyllt: "
            } else {
                "Kontrollera: "
            };
            view! { <li class:check--warning=!check.ok><strong>{mark}</strong>{check.text}</li> }
        })
        .collect_view();
    let choices = RejectionCode::ALL
        .iter()
        .map(|&code| {
            let input_id = format!("{group}-{}", code.key());
            let name = group.clone();
            view! {
                <div class="choice">
                    <input type="radio" id=input_id.clone() name=name value=code.key()
                        on:change=move |_| reason.set(Some(code)) />
                    <label for=input_id>{code.label()}</label>
                </div>
            }
        })
        .collect_view();
    let hidden_name = format!(" ”{}”", activity.title);
    view! {
        <li class="draft">
            <h3>{activity.title.clone()}</h3>
            <dl class="facts">
                <div><dt>"Tid"</dt><dd>{when(&activity)}</dd></div>
                <div><dt>"Plats"</dt><dd>{activity.place_label()}</dd></div>
                <div><dt>"Kontakt"</dt><dd>{item.submitter_email.clone().unwrap_or_default()}</dd></div>
            </dl>
            <p>{activity.summary.clone()}</p>
            <ul class="checks">{checks}</ul>
            <p class="draft__actions">
                <button type="button" class="button" on:click=approve>
                    "Godkänn"<span class="visually-hidden">{hidden_name.clone()}</span>
                </button>
                <button type="button" class="button button--secondary" on:click=ask>
                    "Avvisa"<span class="visually-hidden">{hidden_name.clone()}</span>
                </button>
            </p>
            <Show when=move || rejecting.get()>
                <div class="confirm" role="group" aria-label=format!("Avvisa{hidden_name}")>
                    <div class="field">
                        <fieldset class="choices">
                            <legend>"Skäl"</legend>
                            {choices.clone()}
                        </fieldset>
                    </div>
                    <div class="field" class:field--error=move || missing.get()>
                        <label for=more_id.clone()>"Mer om skälet (visas för arrangören)"</label>
                        {move || missing.get().then(|| view! {
                            <p class="field-error" role="alert"><span class="visually-hidden">"Fel: "</span>"Välj ett skäl eller skriv ett."</p>
                        })}
                        <textarea id=more_id.clone() rows="3"
                            prop:value=move || more.get()
                            on:input=move |ev| more.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="button" class="button button--danger" on:click=reject.clone()>"Avvisa aktiviteten"</button>
                    <button type="button" class="button button--secondary" on:click=move |_| rejecting.set(false)>"Avbryt"</button>
                </div>
            </Show>
        </li>
    }
}
