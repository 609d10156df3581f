use chrono::NaiveDate;
use leptos::prelude::*;
use programme::time::{capitalize_first, format_day};
use programme::{ActivityFormat, Audience, ProgrammeFilter, Theme, regions};

/// How long typing must pause before the search goes to the URL and the list.
const SEARCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

/// The programme's filters. It shows the filter it is given and reports every
/// change; the page keeps the filter in the URL.
#[component]
pub fn FilterBar(
    /// The filter now in force.
    filter: Memo<ProgrammeFilter>,
    /// The days of the edition, for the day choice.
    days: Vec<NaiveDate>,
    /// Called with the new filter, and whether the change replaces the history
    /// entry (typing) rather than adding one (a choice).
    on_change: Callback<(ProgrammeFilter, bool)>,
    /// Whether the filters are folded away (only on a phone's narrow screen;
    /// wider screens always show them).
    folded: RwSignal<bool>,
) -> impl IntoView {
    // What is typed in the search field goes to the URL (and so to the list)
    // when typing pauses; until then it lives here, shown in the field.
    let typed = RwSignal::new(None::<String>);
    let typing = StoredValue::new(0u64);
    Effect::new(move |_| {
        let url_q = filter.with(|f| f.q.clone());
        // The URL changed: by our own commit (then it holds what was typed), or by
        // back/forward, which wins over a search still waiting to be sent.
        if typing.get_value() == 0 || url_q != typed.get_untracked() {
            typing.set_value(0);
            typed.set(None);
        }
    });
    let change = move |param: &'static str, value: String, replace: bool| {
        let mut next = filter.get_untracked();
        // A choice made while a search is still pending keeps that search.
        if let Some(q) = typed.get_untracked() {
            let _ = next.set("q", &q);
        }
        typing.set_value(0);
        // Values come from our own options, so they are always valid.
        let _ = next.set(param, &value);
        // A kommun outside the chosen län, or with no län chosen (its list is
        // then hidden), would filter without a visible control.
        if next.municipality.as_deref().is_some_and(|m| {
            next.region
                .as_deref()
                .is_none_or(|region| !m.starts_with(region))
        }) {
            next.municipality = None;
        }
        on_change.run((next, replace));
    };

    let day_options: Vec<(String, String)> = days
        .iter()
        .map(|day| (day.to_string(), capitalize_first(&format_day(*day))))
        .collect();
    let format_options: Vec<(String, String)> = ActivityFormat::ALL
        .iter()
        .map(|f| (f.key().to_owned(), f.label().to_owned()))
        .collect();
    let region_options: Vec<(String, String)> = regions::counties()
        .iter()
        .map(|c| (c.code.to_owned(), c.name.to_owned()))
        .collect();
    let theme_options: Vec<(String, String)> = Theme::ALL
        .iter()
        .map(|t| (t.key().to_owned(), t.label().to_owned()))
        .collect();
    let audience_options: Vec<(String, String)> = Audience::ALL
        .iter()
        .map(|a| (a.key().to_owned(), a.label().to_owned()))
        .collect();

    // Only a change of län builds the kommun list again.
    let region = Memo::new(move |_| filter.with(|f| f.region.clone()));
    let municipality_select = move || {
        region.get().map(|region| {
            let options: Vec<(String, String)> = regions::municipalities_in(&region)
                .iter()
                .map(|m| (m.code.to_owned(), m.name.to_owned()))
                .collect();
            view! {
                <SelectFilter
                    id="filter-kommun"
                    name="municipality"
                    label="Kommun"
                    all_label="Alla kommuner i länet"
                    options=options
                    current=Signal::from(Memo::new(move |_| filter.with(|f| f.municipality.clone())))
                    on_select=Callback::new(move |v| change("municipality", v, false))
                />
            }
        })
    };

    view! {
        // Before the app has taken over (or without JavaScript) the form is
        // an ordinary one: sent, the server shows the filtered programme.
        <form class="filters" id="filter-panel" class:filters--folded=move || folded.get()
            role="search" aria-label="Filtrera programmet" action="/" method="get"
            on:submit=|ev| ev.prevent_default()>
            <div class="field field--search">
                <label for="filter-sok">"Sök"</label>
                <p class="hint" id="filter-sok-hint">"Titel, arrangör eller ort"</p>
                <input
                    id="filter-sok"
                    name="q"
                    type="search"
                    value=filter.with_untracked(|f| f.q.clone().unwrap_or_default())
                    autocomplete="off"
                    aria-describedby="filter-sok-hint"
                    prop:value=move || typed.get().unwrap_or_else(|| filter.with(|f| f.q.clone().unwrap_or_default()))
                    on:input=move |ev| {
                        typed.set(Some(event_target_value(&ev)));
                        let ticket = typing.get_value() + 1;
                        typing.set_value(ticket);
                        set_timeout(
                            move || {
                                // The page may have been left meanwhile: then the
                                // signals are gone and there is nothing to send.
                                if typing.try_get_value() == Some(ticket) {
                                    let q = typed.get_untracked().unwrap_or_default();
                                    change("q", q, true);
                                }
                            },
                            SEARCH_PAUSE,
                        );
                    }
                />
            </div>
            <SelectFilter
                id="filter-dag"
                name="day"
                label="Dag"
                all_label="Alla dagar"
                options=day_options
                current=Signal::from(Memo::new(move |_| filter.with(|f| f.day.map(|d| d.to_string()))))
                on_select=Callback::new(move |v| change("day", v, false))
            />
            <SelectFilter
                id="filter-format"
                name="format"
                label="Format"
                all_label="Alla format"
                options=format_options
                current=Signal::from(Memo::new(move |_| filter.with(|f| f.format.map(|x| x.key().to_owned()))))
                on_select=Callback::new(move |v| change("format", v, false))
            />
            <SelectFilter
                id="filter-lan"
                name="region"
                label="Län"
                all_label="Hela Sverige"
                options=region_options
                current=Signal::from(Memo::new(move |_| filter.with(|f| f.region.clone())))
                on_select=Callback::new(move |v| change("region", v, false))
            />
            {municipality_select}
            <SelectFilter
                id="filter-tema"
                name="theme"
                label="Tema"
                all_label="Alla teman"
                options=theme_options
                current=Signal::from(Memo::new(move |_| filter.with(|f| f.theme.map(|t| t.key().to_owned()))))
                on_select=Callback::new(move |v| change("theme", v, false))
            />
            <SelectFilter
                id="filter-malgrupp"
                name="audience"
                label="Målgrupp"
                all_label="Alla målgrupper"
                options=audience_options
                current=Signal::from(Memo::new(move |_| filter.with(|f| f.audience.map(|a| a.key().to_owned()))))
                on_select=Callback::new(move |v| change("audience", v, false))
            />
            // Without JavaScript a choice needs a button to take effect.
            <noscript>
                <button type="submit" class="button filters__submit">"Visa urvalet"</button>
            </noscript>
        </form>
    }
}

/// A labelled drop-down whose first choice means "no filter".
#[component]
fn SelectFilter(
    /// The element id, which the label points to.
    id: &'static str,
    /// The query parameter it sets.
    name: &'static str,
    /// The visible label.
    label: &'static str,
    /// The text of the "everything" choice.
    all_label: &'static str,
    /// Value and text of each choice.
    options: Vec<(String, String)>,
    /// The chosen value, if any.
    current: Signal<Option<String>>,
    /// Called with the chosen value ("" for everything).
    on_select: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name on:change=move |ev| on_select.run(event_target_value(&ev))>
                // `selected` for the page as the server sends it (properties
                // are not HTML), `prop:selected` for the app's changes.
                <option value="" selected=current.with_untracked(Option::is_none)
                    prop:selected=move || current.with(Option::is_none)>{all_label}</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let key = value.clone();
                        let chosen = current.with_untracked(|c| c.as_deref() == Some(key.as_str()));
                        view! {
                            <option
                                value=value
                                selected=chosen
                                prop:selected=move || current.with(|c| c.as_deref() == Some(key.as_str()))
                            >
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
