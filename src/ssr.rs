//! The first screen as HTML, for the server: the apps' own components
//! rendered to a string natively (Leptos's `ssr` feature), with the data
//! given instead of fetched. The page the browser gets is readable before
//! the WebAssembly has loaded, and readable without JavaScript; the app then
//! renders the same components and takes the first screen's place
//! (render and replace, see [`crate::start`]).

use std::sync::Arc;

use leptos::attr::custom::CustomAttribute;
use leptos::html::meta;
use leptos::prelude::*;
use leptos_router::location::RequestUrl;
use programme::{Activity, Edition};

use crate::api::{EditionResource, ProgrammeData, ProgrammeResource};
use crate::components::{LoadingPage, MyProgramme};
use crate::pages::page_title;
use crate::{Layout, Part, ProgrammeRoutes, RegistrationRoutes, Site, store};

/// A page as the server sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// 200, or 404 for an address (or activity) that does not exist.
    pub status: u16,
    /// The `<title>`, description and Open Graph tags, for the `<head>`.
    pub head: String,
    /// What goes inside `<div id="app">`.
    pub body: String,
}

/// What a page says about itself to search engines and link previews.
struct Meta {
    title: String,
    description: String,
    /// `website`, or `article` for an activity.
    kind: &'static str,
}

const SITE_DESCRIPTION: &str = "Programmet för Innovationsveckan, den offentliga sektorns innovationsvecka: aktiviteter i hela Sverige, på plats och digitalt.";

impl Meta {
    fn site(title: &str) -> Self {
        Meta {
            title: page_title(title),
            description: SITE_DESCRIPTION.to_owned(),
            kind: "website",
        }
    }

    fn not_found() -> Self {
        Meta::site("Sidan finns inte")
    }

    /// An activity, as a shared link previews it: its title, and its day,
    /// time and place before the summary.
    fn activity(activity: &Activity) -> Self {
        use programme::time::{capitalize_first, format_day, format_time_span, to_stockholm};
        let day = capitalize_first(&format_day(to_stockholm(&activity.starts_at).date_naive()));
        let time = format_time_span(&activity.starts_at, &activity.ends_at);
        let cancelled = if activity.is_cancelled() {
            "Inställd. "
        } else {
            ""
        };
        Meta {
            title: page_title(&activity.title),
            description: format!(
                "{cancelled}{day}, {time} · {} · {}. {}",
                activity.place_label(),
                activity.format.label(),
                activity.summary
            ),
            kind: "article",
        }
    }

    /// The tags, rendered like the rest.
    fn render(self, site: &Site, path: &str) -> String {
        let url = format!("{}{path}", site.origin);
        let og_title = self
            .title
            .strip_suffix(" – Innovationsveckan")
            .unwrap_or(&self.title)
            .to_owned();
        // `property` is RDFa, not HTML: an attribute the view macro does not know.
        let og = |property: &'static str, content: String| {
            meta().attr("property", property).content(content)
        };
        let view = view! {
            <title>{self.title}</title>
            <meta name="description" content=self.description.clone() />
            {og("og:type", self.kind.to_owned())}
            {og("og:site_name", "Innovationsveckan".to_owned())}
            {og("og:locale", "sv_SE".to_owned())}
            {og("og:title", og_title)}
            {og("og:description", self.description)}
            {og("og:url", url)}
        };
        strip_markers(view.to_html())
    }
}

/// Renders a view as HTML inside a reactive owner of its own, with the
/// router reading `url` (path and query).
fn render<V: IntoView + 'static>(url: &str, view: impl FnOnce() -> V) -> String {
    let owner = Owner::new();
    let html = owner.with(|| {
        provide_context(RequestUrl::new(url));
        view().into_view().to_html()
    });
    drop(owner);
    strip_markers(html)
}

/// Leptos marks the places where reactive text meets static text with empty
/// comments, for hydration; the app renders without them and a browser shows
/// nothing of them, so they go.
fn strip_markers(html: String) -> String {
    html.replace("<!>", "").replace("<!---->", "")
}

/// The contexts the layout reads, as the app provides them.
fn provide_frame(part: Part, site: &Site) {
    provide_context(part);
    provide_context(site.clone());
    provide_context(store::StorageHealth::new());
}

/// The path of a URL, without its query.
fn path_of(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// A page of the programme app (`/`, `/aktivitet/{id}`, `/tillganglighet`,
/// and its "not found"), with the published programme.
pub fn programme_page(url: &str, data: Arc<ProgrammeData>, site: &Site) -> Page {
    let path = path_of(url);
    let (status, meta) = match path {
        "/" => (200, Meta::site(&data.edition.name)),
        "/tillganglighet" => (200, Meta::site("Tillgänglighetsredogörelse")),
        _ => match path.strip_prefix("/aktivitet/") {
            Some(id) => {
                let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
                match data.programme.get(&id) {
                    Some(activity) if data.is_open => (200, Meta::activity(activity)),
                    // The page says so in its own words (and links back).
                    _ => (404, Meta::site("Aktiviteten finns inte")),
                }
            }
            None => (404, Meta::not_found()),
        },
    };
    let body = render(url, || {
        provide_frame(Part::Programme, site);
        let programme = ProgrammeResource::given(data);
        provide_context(programme);
        // The visitor's own selection lives in their browser: the server
        // shows every star empty, the app fills them in.
        MyProgramme::provide();
        view! { <Layout><ProgrammeRoutes programme /></Layout> }
    });
    Page {
        status,
        head: meta.render(site, url),
        body,
    }
}

/// A page of the registration app: its start page in full; the other pages
/// (the drafts and registrations live in the visitor's browser) as the
/// frame, which the app fills in.
pub fn registration_page(url: &str, edition: Option<Edition>, site: &Site) -> Page {
    let path = path_of(url);
    if path != "/anmal" {
        return frame_page(Part::Registration, url, site);
    }
    let body = render(url, || {
        provide_frame(Part::Registration, site);
        if let Some(edition) = edition {
            provide_context(EditionResource::given(edition));
        }
        view! { <Layout><RegistrationRoutes /></Layout> }
    });
    Page {
        status: 200,
        head: Meta::site("Anmäl en aktivitet").render(site, url),
        body,
    }
}

/// The frame of a page whose content the app fetches or reads from the
/// visitor's browser: header, "Sidan laddas …" and footer.
pub fn frame_page(part: Part, url: &str, site: &Site) -> Page {
    let body = render(url, || {
        provide_frame(part, site);
        view! { <Layout><LoadingPage /></Layout> }
    });
    let title = match part {
        Part::MyProgramme => "Mitt program",
        Part::Admin => "Granskning",
        Part::Registration => "Anmäl en aktivitet",
        Part::Info | Part::Programme => "Innovationsveckan",
    };
    Page {
        status: 200,
        head: Meta::site(title).render(site, url),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Arc<ProgrammeData> {
        let edition = programme::demo::sample_edition();
        let activities = programme::demo::activities(edition.starts_on, 60);
        Arc::new(ProgrammeData {
            edition,
            is_open: true,
            programme: Arc::new(programme::Programme::new(activities)),
            complete: true,
            offline_since: None,
        })
    }

    fn site() -> Site {
        Site {
            origin: "https://example.se".into(),
            host: "example.se".into(),
        }
    }

    #[test]
    fn what_the_address_holds_is_text_in_the_page_never_markup() {
        let page = programme_page(
            "/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            demo(),
            &site(),
        );
        assert_eq!(page.status, 200);
        let html = format!("{}{}", page.head, page.body);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("Inga aktiviteter matchar"));
        let page = programme_page("/aktivitet/%3Cb%3E", demo(), &site());
        assert_eq!(page.status, 404);
        assert!(!page.body.contains("<b>"));
    }
}
