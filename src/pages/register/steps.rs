//! The five steps of the wizard, each a view of the shared form.

use leptos::prelude::*;
use leptos_router::components::A;
use programme::draft::{DraftForm, OrganiserInput};
use programme::submission::LANGUAGES;
use programme::{
    AccessibilityFeature, ActivityFormat, Audience, Edition, FieldErrors, OrganiserKind, Theme,
    regions, time,
};

use super::step_path;
use crate::components::form::{
    Binding, ChoiceGroup, Errors, FieldError, SelectField, TextField, focus_id,
};

fn kind_options() -> Vec<(String, String)> {
    OrganiserKind::ALL
        .iter()
        .map(|k| (k.key().to_owned(), k.label().to_owned()))
        .collect()
}

pub(super) fn organiser_step(form: RwSignal<DraftForm>, errors: Errors) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.organisers.len()));
    let add = move |_| {
        form.update(|f| f.organisers.push(OrganiserInput::default()));
        let index = form.with_untracked(|f| f.organisers.len() - 1);
        request_animation_frame(move || focus_id(&format!("organisers[{index}].name")));
    };
    let suggestions = regions::counties()
        .iter()
        .map(|c| c.region_name.to_owned())
        .chain(
            regions::municipalities()
                .iter()
                .map(|m| m.organisation_name()),
        )
        .map(|name| view! { <option value=name></option> })
        .collect_view();
    let rows = move || {
        (0..count.get())
            .map(|index| organiser_row(form, errors, index))
            .collect_view()
    };
    view! {
        <p id="organisers-rule" class="rule">
            "Minst en arrangör eller medarrangör måste vara offentlig: en kommun, en region, en statlig "
            "myndighet eller en annan offentlig organisation. Företag, akademi och civilsamhälle är "
            "välkomna som medarrangörer."
        </p>
        <FieldError errors field="organisers" />
        {rows}
        <datalist id="organisationer">{suggestions}</datalist>
        <button type="button" class="button button--secondary" on:click=add>
            "Lägg till en medarrangör"
        </button>
    }
}

fn organiser_row(form: RwSignal<DraftForm>, errors: Errors, index: usize) -> impl IntoView {
    let name_id = format!("organisers[{index}].name");
    let kind_id = format!("organisers[{index}].kind");
    let name: Binding = (
        Signal::derive(move || {
            form.with(|f| {
                f.organisers
                    .get(index)
                    .map(|o| o.name.clone())
                    .unwrap_or_default()
            })
        }),
        Callback::new(move |value: String| {
            form.update(|f| {
                if let Some(row) = f.organisers.get_mut(index) {
                    if row.kind.is_empty()
                        && let Some(kind) = regions::kind_of_known_name(&value)
                    {
                        row.kind = kind.key().to_owned();
                    }
                    row.name = value;
                }
            })
        }),
    );
    let kind: Binding = (
        Signal::derive(move || {
            form.with(|f| {
                f.organisers
                    .get(index)
                    .map(|o| o.kind.clone())
                    .unwrap_or_default()
            })
        }),
        Callback::new(move |value: String| {
            form.update(|f| {
                if let Some(row) = f.organisers.get_mut(index) {
                    row.kind = value;
                }
            })
        }),
    );
    let remove = move |_| {
        form.update(|f| {
            if index < f.organisers.len() {
                f.organisers.remove(index);
            }
        });
        errors.set(FieldErrors::default());
        request_animation_frame(|| focus_id("organisers[0].name"));
    };
    let legend = if index == 0 {
        "Arrangör".to_owned()
    } else {
        format!("Medarrangör {index}")
    };
    let hint = (index == 0).then_some("Börja skriva så får du förslag på kommuner och regioner.");
    view! {
        <fieldset class="organiser">
            <legend>{legend.clone()}</legend>
            <TextField id=name_id label="Organisationens namn" hint=hint.unwrap_or_default() bind=name errors list="organisationer" autocomplete="organization" />
            <SelectField id=kind_id label="Typ av organisation" bind=kind errors placeholder="Välj typ" options=kind_options() group=(index == 0).then_some("organisers") />
            {(index > 0).then(|| view! {
                <button type="button" class="button button--link" on:click=remove>
                    "Ta bort "{legend.to_lowercase()}
                </button>
            })}
        </fieldset>
    }
}

pub(super) fn activity_step(form: RwSignal<DraftForm>, errors: Errors) -> impl IntoView {
    let (themes, on_theme) = bind_set!(form.themes);
    let (audiences, on_audience) = bind_set!(form.audiences);
    let languages: Vec<(String, String)> = LANGUAGES
        .iter()
        .map(|(code, name)| ((*code).to_owned(), (*name).to_owned()))
        .collect();
    view! {
        <TextField id="title" label="Titel" hint="Kort och beskrivande, högst 120 tecken." bind=bind!(form.title) errors />
        <TextField id="summary" label="Kort sammanfattning" hint="En eller två meningar som visas i programmet, högst 300 tecken." bind=bind!(form.summary) errors rows=3 />
        <TextField id="description" label="Beskrivning" hint="Vad händer, för vem och vad tar deltagarna med sig? Högst 5 000 tecken." bind=bind!(form.description) errors rows=8 />
        <ChoiceGroup name="themes" legend="Teman" hint="Välj ett eller flera." choices=Theme::ALL.iter().map(|t| (t.key(), t.label())).collect() selected=themes on_change=on_theme errors />
        <ChoiceGroup name="audiences" legend="Målgrupper" hint="Välj en eller flera." choices=Audience::ALL.iter().map(|a| (a.key(), a.label())).collect() selected=audiences on_change=on_audience errors />
        <SelectField id="language" label="Språk" bind=bind!(form.language) errors options=languages />
    }
}

pub(super) fn time_place_step(
    form: RwSignal<DraftForm>,
    errors: Errors,
    edition: Option<Edition>,
) -> impl IntoView {
    let days: Vec<(String, String)> = edition
        .iter()
        .flat_map(|e| e.days())
        .map(|day| {
            (
                day.to_string(),
                time::capitalize_first(&time::format_day(day)),
            )
        })
        .collect();
    let format = Signal::derive(move || form.with(|f| vec![f.format.clone()]));
    let on_format = Callback::new(move |(key, on): (String, bool)| {
        if on {
            form.update(|f| f.format = key);
        }
    });
    let chosen = Memo::new(move |_| form.with(|f| ActivityFormat::from_key(&f.format)));
    let municipalities = regions::counties()
        .iter()
        .map(|county| {
            let options = regions::municipalities_in(county.code)
                .iter()
                .map(|m| {
                    let code = m.code;
                    view! {
                        <option value=code selected=move || form.with(|f| f.municipality_code == code)>
                            {m.name}
                        </option>
                    }
                })
                .collect_view();
            view! { <optgroup label=county.name>{options}</optgroup> }
        })
        .collect_view();
    let venue = move || {
        chosen.get().is_some_and(ActivityFormat::has_venue).then(|| {
            view! {
                <fieldset class="group">
                    <legend>"Plats"</legend>
                    <TextField id="venue.name" label="Lokal" hint="Till exempel Stadshuset, sal B." bind=bind!(form.venue_name) errors />
                    <TextField id="venue.street_address" label="Gatuadress" bind=bind!(form.street_address) errors autocomplete="street-address" />
                    <TextField id="venue.postal_code" label="Postnummer" bind=bind!(form.postal_code) errors inputmode="numeric" autocomplete="postal-code" class="input--short" />
                    <TextField id="venue.city" label="Ort" bind=bind!(form.city) errors autocomplete="address-level2" />
                    <div class="field" class:field--error=move || errors.with(|e| e.0.contains_key("venue.municipality_code"))>
                        <label for="venue.municipality_code">"Kommun"</label>
                        <FieldError errors field="venue.municipality_code" />
                        <select
                            id="venue.municipality_code"
                            name="venue.municipality_code"
                            aria-describedby=move || errors.with(|e| e.0.contains_key("venue.municipality_code")).then_some("venue.municipality_code-error")
                            aria-invalid=move || errors.with(|e| e.0.contains_key("venue.municipality_code")).then_some("true")
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                form.update(|f| f.municipality_code = value);
                            }
                        >
                            <option value="" selected=move || form.with(|f| f.municipality_code.is_empty())>"Välj kommun"</option>
                            {municipalities.clone()}
                        </select>
                    </div>
                </fieldset>
            }
        })
    };
    let online = move || {
        chosen.get().is_some_and(ActivityFormat::is_online).then(|| {
            view! {
                <fieldset class="group">
                    <legend>"Digital anslutning"</legend>
                    <TextField id="online.platform" label="Plattform" hint="Till exempel Microsoft Teams, Zoom eller webbsändning." bind=bind!(form.platform) errors />
                    <TextField id="online.url" label="Länk till sändningen eller mötet" hint="Börjar med https://. Länken visas i programmet." bind=bind!(form.online_url) errors input_type="url" />
                </fieldset>
            }
        })
    };
    view! {
        <SelectField id="day" label="Dag" bind=bind!(form.day) errors placeholder="Välj dag" options=days />
        <div class="field-row">
            <TextField id="starts_at" label="Starttid" hint="Till exempel 09.00" bind=bind!(form.starts_at) errors inputmode="decimal" class="input--short" />
            <TextField id="ends_at" label="Sluttid" hint="Till exempel 10.30" bind=bind!(form.ends_at) errors inputmode="decimal" class="input--short" />
        </div>
        <ChoiceGroup name="format" legend="Format: hur deltar man?" single=true choices=ActivityFormat::ALL.iter().map(|f| (f.key(), f.label())).collect() selected=format on_change=on_format errors />
        {venue}
        {online}
    }
}

pub(super) fn contact_step(form: RwSignal<DraftForm>, errors: Errors) -> impl IntoView {
    let (features, on_feature) = bind_set!(form.accessibility_features);
    view! {
        <fieldset class="group">
            <legend>"Kontakt för deltagare"</legend>
            <p class="hint">"Visas i programmet."</p>
            <TextField id="contact.name" label="Kontaktperson" bind=bind!(form.contact_name) errors autocomplete="name" />
            <TextField id="contact.email" label="Kontaktpersonens e-postadress" bind=bind!(form.contact_email) errors input_type="email" autocomplete="email" />
            <TextField id="contact.phone" label="Kontaktpersonens telefonnummer" optional=true bind=bind!(form.contact_phone) errors input_type="tel" autocomplete="tel" />
        </fieldset>
        <TextField id="signup_url" label="Länk till anmälan för deltagare" optional=true hint="Om deltagarna ska anmäla sig i förväg. Börjar med https://." bind=bind!(form.signup_url) errors input_type="url" />
        <ChoiceGroup name="accessibility.features" legend="Tillgänglighet" optional=true hint="Välj det som finns på aktiviteten." choices=AccessibilityFeature::ALL.iter().map(|f| (f.key(), f.label())).collect() selected=features on_change=on_feature errors />
        <TextField id="accessibility.note" label="Mer om tillgängligheten" optional=true hint="Till exempel hur man beställer tolk, eller vägen in för den som använder rullstol." bind=bind!(form.accessibility_note) errors rows=3 />
        <TextField id="submitter_email" label="Din e-postadress" hint="Visas inte i programmet. Vi använder den bara om vi behöver nå dig om anmälan." bind=bind!(form.submitter_email) errors input_type="email" autocomplete="email" />
    }
}

/// One answer on the review page.
fn answer(label: &'static str, value: String) -> impl IntoView {
    let value = if value.trim().is_empty() {
        "Inte ifyllt".to_owned()
    } else {
        value
    };
    view! {
        <div>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

pub(super) fn review_step(
    form: RwSignal<DraftForm>,
    errors: Errors,
    draft_id: String,
    is_edit: bool,
) -> impl IntoView {
    let sections = form
        .get_untracked()
        .review()
        .into_iter()
        .map(|(step, answers)| {
            let path = step_path(&draft_id, step);
            let rows = answers
                .into_iter()
                .map(|(label, value)| answer(label, value))
                .collect_view();
            view! {
                <section class="review">
                    <div class="review__heading">
                        <h2>{step.title()}</h2>
                        <A href=path>"Ändra"<span class="visually-hidden">" "{step.title().to_lowercase()}</span></A>
                    </div>
                    <dl class="facts facts--review">{rows}</dl>
                </section>
            }
        })
        .collect_view();
    let consent = Signal::derive(move || {
        if form.with(|f| f.consent) {
            vec!["yes".to_owned()]
        } else {
            Vec::new()
        }
    });
    let on_consent = Callback::new(move |(_, on): (String, bool)| form.update(|f| f.consent = on));
    view! {
        <p class="lead">"Kontrollera uppgifterna innan du skickar. Allt utom din e-postadress visas i programmet."</p>
        {sections}
        <ChoiceGroup name="consent" legend="Publicering" choices=vec![("yes", "Jag godkänner att uppgifterna om aktiviteten publiceras i Innovationsveckans program.")] selected=consent on_change=on_consent errors />
        <p class="hint">
            {if is_edit {
                "En publicerad aktivitet ändras i programmet så snart ändringen har kommit fram. En aktivitet som väntar på granskning, eller som inte godkändes, granskas igen."
            } else {
                "Anmälan granskas innan den visas i programmet."
            }}
        </p>
    }
}
