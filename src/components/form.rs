//! Form fields with labels, hints and error messages wired up for assistive
//! technology (`aria-describedby`, `aria-invalid`), and the GOV.UK-style error
//! summary. A field's id is its name in [`FieldErrors`].

use leptos::prelude::*;
use programme::FieldErrors;
use programme::draft::form_position;
use programme::submission::error_message;
use wasm_bindgen::JsCast;

/// The errors shown on the current page.
pub type Errors = RwSignal<FieldErrors>;

/// A text value and how to change it.
pub type Binding = (Signal<String>, Callback<String>);

/// The messages for one field, in Swedish.
fn messages_for(errors: &FieldErrors, field: &str) -> Option<String> {
    let codes = errors.0.get(field)?;
    Some(
        codes
            .iter()
            .map(|code| error_message(field, *code))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The id of the element an error about `field` should lead to.
pub fn target_id(field: &str) -> String {
    match field {
        "organisers" => "organisers[0].kind".to_owned(),
        "consent" => "consent-yes".to_owned(),
        "themes" => "themes-digitalisation".to_owned(),
        "audiences" => "audiences-staff".to_owned(),
        "format" => "format-physical".to_owned(),
        "accessibility.features" => "accessibility.features-hearing_loop".to_owned(),
        "venue" => "venue.name".to_owned(),
        "online" => "online.platform".to_owned(),
        _ => field.to_owned(),
    }
}

/// Moves focus to an element by id (and so scrolls it into view).
pub fn focus_id(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The message shown beside a field.
#[component]
pub fn FieldError(errors: Errors, #[prop(into)] field: String) -> impl IntoView {
    let id = format!("{field}-error");
    move || {
        errors.with(|e| messages_for(e, &field)).map(|message| {
            view! {
                <p class="field-error" id=id.clone()>
                    <span class="visually-hidden">"Fel: "</span>
                    {message}
                </p>
            }
        })
    }
}

/// `aria-describedby` for a field: its hint and, when there is one, its error.
fn described_by(
    errors: Errors,
    field: String,
    has_hint: bool,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    described_by_also(errors, field, has_hint, None)
}

/// Like [`described_by`], with a rule the field is part of: an element with
/// the id `{group}-rule` and the group's own error.
fn described_by_also(
    errors: Errors,
    field: String,
    has_hint: bool,
    group: Option<&'static str>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{field}-hint"));
        }
        if let Some(group) = group {
            ids.push(format!("{group}-rule"));
            if errors.with(|e| e.0.contains_key(group)) {
                ids.push(format!("{group}-error"));
            }
        }
        if errors.with(|e| e.0.contains_key(&field)) {
            ids.push(format!("{field}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

fn invalid(errors: Errors, field: String) -> impl Fn() -> Option<&'static str> + Send + Sync {
    move || errors.with(|e| e.0.contains_key(&field)).then_some("true")
}

/// A labelled text input or text area.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<&'static str>,
    bind: Binding,
    errors: Errors,
    /// Marks the label "(frivilligt)".
    #[prop(optional)]
    optional: bool,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] list: Option<&'static str>,
    /// Rows of a text area; a single-line input when zero.
    #[prop(optional)]
    rows: u32,
    /// An extra class for the input, for example `input--short`.
    #[prop(optional)]
    class: Option<&'static str>,
) -> impl IntoView {
    let (value, on_input) = bind;
    let describedby = described_by(errors, id.clone(), hint.is_some());
    let aria_invalid = invalid(errors, id.clone());
    let input_class = class.unwrap_or("");
    let control = if rows > 0 {
        view! {
            <textarea
                id=id.clone()
                name=id.clone()
                rows=rows
                class=input_class
                aria-describedby=describedby
                aria-invalid=aria_invalid
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=id.clone()
                type=input_type
                class=input_class
                autocomplete=autocomplete
                inputmode=inputmode
                list=list
                aria-describedby=describedby
                aria-invalid=aria_invalid
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
        }
        .into_any()
    };
    let label_text = if optional {
        format!("{label} (frivilligt)")
    } else {
        label
    };
    view! {
        <div class="field" class:field--error=move || errors.with(|e| e.0.contains_key(&id))>
            <label for=id.clone()>{label_text}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <FieldError errors field=id.clone() />
            {control}
        </div>
    }
}

/// A labelled drop-down list. `options` are (value, text); an empty first
/// choice reads `placeholder`.
#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<&'static str>,
    bind: Binding,
    errors: Errors,
    #[prop(optional)] placeholder: Option<&'static str>,
    options: Vec<(String, String)>,
    /// A rule the field is part of (see [`described_by_also`]).
    #[prop(default = None)]
    group: Option<&'static str>,
) -> impl IntoView {
    let (value, on_change) = bind;
    let describedby = described_by_also(errors, id.clone(), hint.is_some(), group);
    let aria_invalid = invalid(errors, id.clone());
    let options = options
        .into_iter()
        .map(|(key, text)| {
            let selected_key = key.clone();
            view! {
                <option value=key selected=move || value.with(|v| *v == selected_key)>{text}</option>
            }
        })
        .collect_view();
    view! {
        <div class="field" class:field--error=move || errors.with(|e| e.0.contains_key(&id))>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <FieldError errors field=id.clone() />
            <select
                id=id.clone()
                name=id.clone()
                aria-describedby=describedby
                aria-invalid=aria_invalid
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                {placeholder.map(|text| {
                    view! { <option value="" selected=move || value.with(String::is_empty)>{text}</option> }
                })}
                {options}
            </select>
        </div>
    }
}

/// A group of checkboxes (several choices) or radio buttons (one), in a
/// fieldset whose legend is the question.
#[component]
pub fn ChoiceGroup(
    /// The field's name; each choice's id is `{name}-{key}`.
    name: &'static str,
    legend: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    /// (key, label) of each choice.
    choices: Vec<(&'static str, &'static str)>,
    /// The chosen keys.
    selected: Signal<Vec<String>>,
    /// Called with a key and whether it is now chosen.
    on_change: Callback<(String, bool)>,
    errors: Errors,
    /// Radio buttons: exactly one choice.
    #[prop(optional)]
    single: bool,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let field = name.to_owned();
    let describedby = described_by(errors, field.clone(), hint.is_some());
    let kind = if single { "radio" } else { "checkbox" };
    let items = choices
        .into_iter()
        .map(|(key, label)| {
            let id = format!("{name}-{key}");
            view! {
                <div class="choice">
                    <input
                        type=kind
                        id=id.clone()
                        name=name
                        value=key
                        prop:checked=move || selected.with(|s| s.iter().any(|k| k == key))
                        on:change=move |ev| on_change.run((key.to_owned(), event_target_checked(&ev)))
                    />
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    let legend_text = if optional {
        format!("{legend} (frivilligt)")
    } else {
        legend.to_owned()
    };
    view! {
        <div class="field" class:field--error=move || errors.with(|e| e.0.contains_key(name))>
            <fieldset class="choices" aria-describedby=describedby>
                <legend>{legend_text}</legend>
                {hint.map(|hint| view! { <p class="hint" id=format!("{name}-hint")>{hint}</p> })}
                <FieldError errors field=field />
                {items}
            </fieldset>
        </div>
    }
}

/// The list of everything wrong, at the top of the form: each entry a link to
/// its field. It takes focus when it appears, so it is read out at once.
#[component]
pub fn ErrorSummary(
    errors: Errors,
    /// Where an error about a field leads: `None` for a field on this page
    /// (the link focuses it), or the path of the page it is on.
    link_for: Callback<String, Option<String>>,
) -> impl IntoView {
    let summary = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if !errors.with(FieldErrors::is_empty) {
            request_animation_frame(move || {
                if let Some(element) = summary.get_untracked() {
                    let _ = element.focus();
                }
            });
        }
    });
    move || {
        let mut entries = errors.with(|e| {
            e.iter()
                .flat_map(|(field, codes)| {
                    codes
                        .iter()
                        .map(move |code| (field.to_owned(), error_message(field, *code)))
                })
                .collect::<Vec<_>>()
        });
        entries.sort_by_key(|(field, _)| form_position(field));
        (!entries.is_empty()).then(|| {
            let items = entries
                .into_iter()
                .map(|(field, message)| {
                    let target = target_id(&field);
                    match link_for.run(field) {
                        Some(path) => view! {
                            <li><a href=format!("{path}#{target}")>{message}</a></li>
                        }
                        .into_any(),
                        None => {
                            let focus_target = target.clone();
                            view! {
                                <li>
                                    <a
                                        href=format!("#{target}")
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            focus_id(&focus_target);
                                        }
                                    >
                                        {message}
                                    </a>
                                </li>
                            }
                            .into_any()
                        }
                    }
                })
                .collect_view();
            view! {
                <div
                    class="error-summary"
                    tabindex="-1"
                    aria-labelledby="error-summary-title"
                    node_ref=summary
                >
                    <h2 id="error-summary-title">"Det finns något att rätta"</h2>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}
