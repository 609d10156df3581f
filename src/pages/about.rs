//! "Om Innovationsveckan" and "Så anmäler du en aktivitet": what the week is
//! and how to take part, for a newcomer, in plain Swedish.

use leptos::prelude::*;
use programme::time::{format_date_range, format_day_with_year};

use super::use_page_title;
use crate::api::EditionResource;
use crate::components::AppLink;

/// "Innovationsveckan 2027 pågår 11–15 januari 2027. Programmet öppnar för
/// allmänheten måndag 7 december 2026." (or "öppnade", once it has), once
/// the edition is known.
#[component]
fn ThisYear() -> impl IntoView {
    let edition = EditionResource::use_context();
    move || {
        edition.get().and_then(Result::ok).map(|edition| {
            let today = programme::time::today_in_stockholm(chrono::Utc::now());
            let opens = format_day_with_year(edition.programme_opens_on);
            let when = if edition.programme_is_open(today) {
                format!("Programmet öppnade för allmänheten {opens}.")
            } else {
                format!("Programmet öppnar för allmänheten {opens}.")
            };
            view! {
                <p>
                    {format!(
                        "{} pågår {}. {when}",
                        edition.name,
                        format_date_range(edition.starts_on, edition.ends_on)
                    )}
                </p>
            }
        })
    }
}

/// `/om`: what Innovationsveckan is.
#[component]
pub fn AboutPage() -> impl IntoView {
    use_page_title(|| "Om Innovationsveckan".to_owned());
    view! {
        <div class="page page--text">
            <h1>"Om Innovationsveckan"</h1>
            <p class="lead">
                "Innovationsveckan är en vecka för alla som utvecklar offentlig sektor. Den pågår "
                "i hela landet samtidigt, på plats och digitalt."
            </p>

            <h2>"En gemensam plattform"</h2>
            <p>
                "Under veckan visar kommuner, regioner, myndigheter och deras samarbetspartner hur "
                "de förnyar sitt arbete. De berättar om det som fungerar och om det som inte "
                "fungerade, och de lär av varandra."
            </p>
            <p>
                "Veckan är lokal och nationell på en gång. Varje aktivitet äger rum där arrangören "
                "finns, eller digitalt, och alla aktiviteter samlas i ett och samma program för hela "
                "Sverige. Tanken liknar Almedalsveckan, men i stället för att alla reser till samma "
                "plats sprids veckan över hela landet."
            </p>

            <h2>"Arrangörerna gör programmet"</h2>
            <p>
                "Det är arrangörerna själva som lägger in sina aktiviteter i programmet. Det gemensamma "
                "programmet är ett nationellt paraply: det hjälper varje arrangör att nå medarbetare, "
                "förtroendevalda, samarbetspartner och invånare långt utanför de egna kanalerna."
            </p>
            <ul>
                <li>"Varje aktivitet har minst en arrangör eller medverkande från offentlig sektor."</li>
                <li>
                    "Arrangören ansvarar för innehållet, för kontakten med deltagarna och för lokalen "
                    "eller den digitala kanalen."
                </li>
                <li>"Det är gratis att vara med, och du kan anmäla en aktivitet ända fram till att den börjar."</li>
            </ul>
            <p><AppLink href="/om/anmala">"Så anmäler du en aktivitet"</AppLink></p>

            <h2>"Vilka står bakom?"</h2>
            <p>
                "Sveriges Kommuner och Regioner (SKR), Vinnova, Upphandlingsmyndigheten och "
                "Myndigheten för digital förvaltning (DIGG) tog initiativ till Innovationsveckan och "
                "driver den. De berättar om veckan och sprider programmet i sina kanaler."
            </p>

            <h2>"Hur stor är veckan?"</h2>
            <p>
                "Redan under ett av de första åren hade programmet 120 aktiviteter, och en tredjedel "
                "av dem var digitala. Hur det ser ut i år visar "
                <AppLink href="/statistik">"Programmet i siffror"</AppLink>
                "."
            </p>

            <h2>"När syns programmet?"</h2>
            <p>
                "Arrangörerna kan anmäla sina aktiviteter i god tid. Programmet öppnar för allmänheten "
                "på ett bestämt datum, och från den dagen kan alla se och söka i det."
            </p>
            <ThisYear />
            <p><AppLink href="/">"Till programmet"</AppLink></p>
        </div>
    }
}

/// `/om/anmala`: how an organiser takes part, step by step.
#[component]
pub fn HowToTakePartPage() -> impl IntoView {
    use_page_title(|| "Så anmäler du en aktivitet".to_owned());
    view! {
        <div class="page page--text">
            <h1>"Så anmäler du en aktivitet"</h1>
            <p class="lead">
                "Det kostar ingenting att anmäla en aktivitet, och du kan göra det ända fram till "
                "att aktiviteten börjar. Anmäl gärna i god tid, så hinner redaktionen läsa anmälan "
                "och fler hittar aktiviteten."
            </p>

            <h2>"Vem kan anmäla?"</h2>
            <p>
                "Alla organisationer kan anmäla en aktivitet, men minst en arrangör eller medverkande "
                "ska komma från offentlig sektor: en kommun, en region, en statlig myndighet eller en "
                "annan offentlig organisation. Företag, akademin och civilsamhället är välkomna som "
                "medarrangörer."
            </p>

            <h2>"Det här behöver du"</h2>
            <ul>
                <li>"en titel och en kort beskrivning av aktiviteten"</li>
                <li>"dag och tid under veckan"</li>
                <li>"var den hålls: adress, eller plattform och länk om den är digital, eller båda"</li>
                <li>"vilka som arrangerar och medverkar"</li>
                <li>"tema och målgrupp, så att rätt personer hittar den"</li>
                <li>"en kontaktperson med e-postadress"</li>
            </ul>

            <h2>"Så går det till"</h2>
            <ol>
                <li>
                    "Välj "<AppLink href="/anmal">"Anmäl aktivitet"</AppLink>" och fyll i formuläret "
                    "steg för steg. Det du fyller i sparas efter hand i din webbläsare, så du kan ta "
                    "en paus och fortsätta senare, även utan internetanslutning."
                </li>
                <li>
                    "Läs igenom sammanfattningen och skicka. Saknar du anslutning just då skickas "
                    "anmälan automatiskt när anslutningen är tillbaka."
                </li>
                <li>
                    "Du får ett e-postmeddelande med en personlig länk. Med den kan du ändra eller "
                    "ställa in aktiviteten. Spara länken och dela den inte: den som har länken kan "
                    "ändra aktiviteten."
                </li>
                <li>
                    "Redaktionen läser anmälan. När den är godkänd syns aktiviteten i programmet och "
                    "du får besked via e-post. Behöver något ändras får du veta vad och varför."
                </li>
            </ol>
            <p>
                "Under "<AppLink href="/utkast">"Mina anmälningar"</AppLink>" ser du dina utkast och "
                "det du har skickat från den här webbläsaren."
            </p>

            <h2>"Ditt ansvar som arrangör"</h2>
            <ul>
                <li>"innehållet i aktiviteten och att uppgifterna i programmet stämmer"</li>
                <li>"kontakten med deltagarna: deltagaranmälan, påminnelser och besked om något ändras"</li>
                <li>"lokalen eller den digitala kanalen, och att den är tillgänglig för alla"</li>
            </ul>
            <p>
                "Programmet samlar alla aktiviteter och sprids av SKR, Vinnova, Upphandlingsmyndigheten "
                "och DIGG. Berätta gärna om din aktivitet i dina egna kanaler också, med en länk till "
                "den i programmet."
            </p>
            <p><AppLink href="/anmal" class="button">"Anmäl en aktivitet"</AppLink></p>
        </div>
    }
}
