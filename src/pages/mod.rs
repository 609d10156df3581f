//! The app's pages, one per route.

mod about;
mod accessibility;
mod activity;
mod my_programme;
mod my_registrations;
mod not_found;
mod open_data;
mod programme_page;
mod register;
mod statistics;
mod submission;

pub use about::{AboutPage, HowToTakePartPage};
pub use accessibility::AccessibilityPage;
pub use activity::ActivityPage;
pub use my_programme::MyProgrammePage;
pub use my_registrations::MyRegistrationsPage;
pub use not_found::NotFoundPage;
pub use open_data::OpenDataPage;
pub use programme_page::ProgrammePage;
pub use register::{RegisterStartPage, SentPage, TemplatePage, WizardPage};
pub use statistics::StatisticsPage;
pub use submission::SubmissionPage;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use programme::ProgrammeFilter;

/// The programme filter in the URL's query string, read leniently: a broken or old
/// link still opens the programme, without the part that cannot be understood.
fn use_filter_from_query() -> Memo<ProgrammeFilter> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            ProgrammeFilter::from_pairs_lenient(
                ProgrammeFilter::PARAMS
                    .iter()
                    .filter_map(|key| q.get(key).map(|value| (*key, value))),
            )
        })
    })
}

/// A page's document title: "<page> – Innovationsveckan".
pub fn page_title(page: &str) -> String {
    format!("{page} – Innovationsveckan")
}

/// Keeps the document title in step with the page (the server writes the
/// same title into the first screen's HTML).
fn use_page_title(title: impl Fn() -> String + Send + Sync + 'static) {
    Effect::new(move |_| {
        document().set_title(&page_title(&title()));
    });
}
