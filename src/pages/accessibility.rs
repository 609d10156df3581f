use leptos::prelude::*;

use super::use_page_title;

/// The accessibility statement (tillgänglighetsredogörelse), in the structure of
/// the EU model statement that DIGG asks Swedish public bodies to publish.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    use_page_title(|| "Tillgänglighetsredogörelse".to_owned());
    view! {
        <div class="page page--text">
            <h1>"Tillgänglighetsredogörelse"</h1>
            <p class="lead">
                "Innovationsveckan står bakom den här webbplatsen. Vi vill att alla ska kunna "
                "använda den, oavsett förmåga, hjälpmedel eller uppkoppling. Här beskriver vi hur "
                "webbplatsen lever upp till lagen om tillgänglighet till digital offentlig service, "
                "vilka brister vi känner till och hur du kan höra av dig till oss."
            </p>

            <h2>"Hur tillgänglig är webbplatsen?"</h2>
            <p>
                "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig "
                "service, på grund av de brister som beskrivs nedan. Vi arbetar mot nivå AA i "
                "riktlinjerna WCAG 2.1, och mot WCAG 2.2 där det går."
            </p>

            <h2>"Kända brister"</h2>
            <ul>
                <li>
                    "Texterna om aktiviteterna skrivs av arrangörerna själva. Vi kan inte garantera "
                    "att alla är skrivna på klarspråk eller att länkar hos arrangörerna är tillgängliga."
                </li>
                <li>
                    "Länkar till digitala sändningar och anmälningssidor leder till andra webbplatser, "
                    "som inte omfattas av den här redogörelsen."
                </li>
                <li>"Webbplatsen finns ännu bara på svenska."</li>
            </ul>

            <h2>"Vad kan du göra om du inte kan använda delar av webbplatsen?"</h2>
            <p>
                "Om du behöver innehåll från webbplatsen i ett annat format, till exempel "
                "uppläst eller i lättläst form, kan du kontakta oss. Kontakta också arrangören av "
                "en aktivitet om du har frågor om hur tillgänglig själva aktiviteten är; varje "
                "aktivitetssida visar arrangörens kontaktuppgifter och vad lokalen erbjuder."
            </p>

            <h2>"Rapportera brister i webbplatsens tillgänglighet"</h2>
            <p>
                "Vi strävar hela tiden efter att förbättra webbplatsens tillgänglighet. Om du "
                "upptäcker problem som inte beskrivs här, eller om du anser att vi inte uppfyller "
                "lagens krav, berätta det för oss så att vi vet att problemet finns. Skriv till "
                <a href="mailto:tillganglighet@innovationsveckan.example">"tillganglighet@innovationsveckan.example"</a>
                ". Vi svarar inom fem arbetsdagar."
            </p>

            <h2>"Tillsyn"</h2>
            <p>
                "Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn över lagen "
                "om tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi "
                "hanterar dina synpunkter kan du "
                <a href="https://www.digg.se/tdosanmalan" rel="noopener noreferrer">
                    "anmäla det till DIGG"
                </a>
                "."
            </p>

            <h2>"Hur vi har testat webbplatsen"</h2>
            <p>
                "Varje ändring av webbplatsen testas automatiskt i en riktig webbläsare: "
                "verktyget axe granskar varje sida och varje läge (laddar, fel, tomt resultat, "
                "programmet stängt) i mobil- och datorbredd mot WCAG 2.1 AA, och ett test går "
                "igenom programmet med enbart tangentbordet. Vi granskar också sidorna manuellt "
                "med skärmläsare."
            </p>
            <p>"Redogörelsen uppdaterades senast den 26 november 2026."</p>
        </div>
    }
}
