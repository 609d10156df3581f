//! "Öppna data": what the programme offers for reuse, with examples that
//! work against this very site, and under which licence.

use leptos::prelude::*;
use programme::{ActivityFormat, Audience, Theme};

use super::use_page_title;
use crate::components::AppLink;

/// One way to get the programme: what it is, its address, and a note.
struct Source {
    what: &'static str,
    path: &'static str,
    note: &'static str,
}

const SOURCES: [Source; 8] = [
    Source {
        what: "Hela programmet (JSON)",
        path: "/api/activities",
        note: "Alla publicerade aktiviteter med alla uppgifter, i programmets ordning.",
    },
    Source {
        what: "Ett urval (JSON)",
        path: "/api/activities?region=12&format=digital",
        note: "Samma filter som i programmet. Har du valt filter i programmet står de i adressen: \
               byt ut / mot /api/activities så får du samma urval som data.",
    },
    Source {
        what: "En aktivitet (JSON)",
        path: "/api/activities/{id}",
        note: "Id:t finns i aktivitetens adress, /aktivitet/{id}.",
    },
    Source {
        what: "Kalenderfil (iCalendar)",
        path: "/api/activities.ics?theme=data_ai",
        note: "För Outlook, Google och Apple. Med webcal:// i stället för https:// blir det en \
               prenumeration som håller sig uppdaterad.",
    },
    Source {
        what: "Kalkylblad (CSV)",
        path: "/api/activities.csv?region=01",
        note: "Semikolon mellan fälten och UTF-8 med BOM, så att Excel med svenska inställningar \
               öppnar filen rätt direkt, med å, ä och ö. Med svenska inställningar är kommatecknet \
               decimaltecken, och därför väntar sig Excel semikolon.",
    },
    Source {
        what: "Programmet i siffror (JSON)",
        path: "/api/stats",
        note: "Antal aktiviteter totalt, per format, dag, tema, målgrupp och län.",
    },
    Source {
        what: "Veckan (JSON)",
        path: "/api/edition",
        note: "Veckans namn, dagar och dagen programmet öppnar.",
    },
    Source {
        what: "Beskrivning av API:et (OpenAPI 3.1)",
        path: "/api/openapi.json",
        note: "Alla adresser, parametrar, svar och felkoder, maskinläsbart.",
    },
];

/// `/oppna-data`.
#[component]
pub fn OpenDataPage() -> impl IntoView {
    use_page_title(|| "Öppna data".to_owned());
    let origin = window().location().origin().unwrap_or_default();
    let sources = SOURCES
        .iter()
        .map(|source| {
            let url = format!("{origin}{}", source.path);
            // An address with a placeholder is an example, not a link.
            let address = if source.path.contains('{') {
                view! { <code>{url}</code> }.into_any()
            } else {
                let href = url.clone();
                // Not a page of this app: the router must leave it alone.
                view! { <a href=href rel="external"><code>{url}</code></a> }.into_any()
            };
            view! {
                <li>
                    <h3>{source.what}</h3>
                    <p>{address}</p>
                    <p>{source.note}</p>
                </li>
            }
        })
        .collect_view();
    let keys = |pairs: Vec<(&'static str, &'static str)>| {
        pairs
            .into_iter()
            .map(|(key, label)| view! { <li><code>{key}</code>" – "{label}</li> })
            .collect_view()
    };
    let formats = keys(
        ActivityFormat::ALL
            .iter()
            .map(|f| (f.key(), f.label()))
            .collect(),
    );
    let themes = keys(Theme::ALL.iter().map(|t| (t.key(), t.label())).collect());
    let audiences = keys(Audience::ALL.iter().map(|a| (a.key(), a.label())).collect());
    let fetch_example = format!(
        "fetch(\"{origin}/api/activities?municipality=0180\")\n  .then((svar) => svar.json())\n  .then(({{ activities }}) => {{\n    for (const aktivitet of activities) {{\n      console.log(aktivitet.title, aktivitet.starts_at);\n    }}\n  }});"
    );
    let curl_example = format!("curl '{origin}/api/activities.csv?region=12' -o skane.csv");

    view! {
        <div class="page page--text">
            <h1>"Öppna data"</h1>
            <p class="lead">
                "Programmet är öppna data. Visa det på din egen webbplats, i ett nyhetsbrev eller "
                "en app, eller använd det i en analys eller ett reportage."
            </p>

            <h2>"Licens"</h2>
            <p>
                "Uppgifterna om aktiviteterna får användas fritt, av vem som helst, enligt CC0 1.0 "
                "(ingen upphovsrätt förbehållen). Ange gärna Innovationsveckan som källa."
            </p>
            <p>
                "Undantaget är kontaktpersonerna. Deras namn, e-postadresser och telefonnummer är "
                "personuppgifter och omfattas inte av CC0. Använd dem bara för att kontakta arrangören "
                "om aktiviteten, aldrig för utskick eller register."
            </p>

            <h2>"Det här finns"</h2>
            <ul class="sources">{sources}</ul>

            <h2>"Filter"</h2>
            <p>
                "Alla listor (JSON, kalender och CSV) tar samma parametrar som programmet. Utan "
                "parametrar får du hela programmet. Ett värde som inte finns ger ett fel (400) som "
                "säger vilken parameter det gäller."
            </p>
            <dl class="parameters">
                <dt><code>"q"</code></dt>
                <dd>"fritext, som sökrutan: titel, sammanfattning, arrangörer och plats"</dd>
                <dt><code>"day"</code></dt>
                <dd>"en dag, ÅÅÅÅ-MM-DD"</dd>
                <dt><code>"format"</code></dt>
                <dd>
                    "hur man deltar; digital och physical tar med aktiviteter som är både på plats och digitala"
                    <ul>{formats}</ul>
                </dd>
                <dt><code>"region"</code></dt>
                <dd>"länskod med två siffror, till exempel 01 för Stockholms län och 12 för Skåne län"</dd>
                <dt><code>"municipality"</code></dt>
                <dd>"kommunkod med fyra siffror, till exempel 0180 för Stockholm och 1280 för Malmö"</dd>
                <dt><code>"theme"</code></dt>
                <dd><ul>{themes}</ul></dd>
                <dt><code>"audience"</code></dt>
                <dd><ul>{audiences}</ul></dd>
            </dl>

            <h2>"Exempel"</h2>
            <p>"Programmets aktiviteter i Stockholms kommun, på en annan webbplats:"</p>
            <pre><code>{fetch_example}</code></pre>
            <p>"Skånes aktiviteter som kalkylblad, från kommandoraden:"</p>
            <pre><code>{curl_example}</code></pre>

            <h2>"Från en annan webbplats"</h2>
            <p>
                "Adresserna ovan kan hämtas direkt från en annan webbplats i webbläsaren: de svarar "
                "med Access-Control-Allow-Origin: *. Det gäller bara det som går att läsa. Anmälningar, "
                "ändringar och allt som är privat går inte att nå från andra webbplatser."
            </p>
            <p>
                "Listorna i JSON och siffrorna har en ETag. Skicka den tillbaka i If-None-Match, så "
                "får du 304 utan innehåll när inget har ändrats."
            </p>
            <p>
                "Siffrorna som bilder finns i "<AppLink href="/statistik">"Programmet i siffror"</AppLink>"."
            </p>
        </div>
    }
}
