//! The domain of the Innovationsveckan programme, shared by the web app (compiled
//! to WebAssembly) and the server (native).
//!
//! It holds the activity model and its vocabularies with their Swedish labels,
//! Stockholm time and Swedish date formatting, Sweden's 21 län and 290 kommuner,
//! the programme filter (the same code filters in the browser and on the server's
//! query parameters) and the grouping of a programme into days. It does no I/O.
//!
//! Run its tests with `cargo test -p programme` and its benchmark with
//! `cargo bench -p programme`.

pub mod changes;
pub mod csv;
pub mod demo;
pub mod draft;
pub mod filter;
pub mod ical;
pub mod listing;
pub mod model;
pub mod moderation;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod regions;
pub mod review;
pub mod stats;
pub mod submission;
pub mod text;
pub mod time;

pub use draft::{Draft, DraftForm, Step};
pub use filter::{FilterError, Programme, ProgrammeBuilder, ProgrammeFilter};
pub use model::{
    Accessibility, AccessibilityFeature, Activity, ActivityFormat, ActivityStatus, Audience,
    Contact, Edition, Online, Organiser, OrganiserKind, Theme, Venue,
};
pub use submission::{ErrorCode, FieldErrors, Submission};

/// A list the Swedish way: "A", "A och B", "A, B och C" (empty for none).
pub fn in_words<S: AsRef<str>>(items: &[S]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.as_ref().to_owned(),
        Some((last, rest)) => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} och {}", rest.join(", "), last.as_ref())
        }
    }
}

/// "1 aktivitet", "180 aktiviteter", "10 000 aktiviteter".
pub fn activities_in_words(n: usize) -> String {
    let noun = if n == 1 { "aktivitet" } else { "aktiviteter" };
    format!("{} {noun}", stats::swedish_number(n))
}

/// Whether a path of the site belongs to the registration app (`/anmal…`,
/// `/utkast`, `/anmalan/…`) rather than the programme. The web app and the
/// server both decide with this; public/sw.js repeats it in JavaScript.
pub fn is_registration_path(path: &str) -> bool {
    path == "/anmal"
        || path.starts_with("/anmal/")
        || path == "/utkast"
        || path.starts_with("/utkast/")
        || path.starts_with("/anmalan/")
}

/// Whether a path is "Mitt program" (`/mitt-program`), an app of its own
/// (`mitt-program.html`) so that the programme's first load does not carry
/// it. The web app and the server decide with this; public/sw.js repeats it.
pub fn is_my_programme_path(path: &str) -> bool {
    path == "/mitt-program" || path.starts_with("/mitt-program/")
}

/// The pages of the site's information app (`om.html`): about
/// Innovationsveckan, how to register, the programme in figures and the open
/// data. Its own app, so the programme's first load carries none of it. The
/// web app and the server decide with this; public/sw.js repeats it.
pub const INFO_PATHS: [&str; 4] = ["/om", "/om/anmala", "/statistik", "/oppna-data"];

/// Whether a path is one of [`INFO_PATHS`] (a trailing slash allowed).
pub fn is_info_path(path: &str) -> bool {
    let path = if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    };
    INFO_PATHS.contains(&path)
}

/// Whether a path belongs to the operators' app (`/admin…`), which neither of
/// the public apps carries. The server decides with this; public/sw.js leaves
/// these paths to the network.
pub fn is_admin_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_activities_are_words() {
        assert_eq!(activities_in_words(1), "1 aktivitet");
        assert_eq!(activities_in_words(0), "0 aktiviteter");
        assert_eq!(activities_in_words(10_000), "10\u{a0}000 aktiviteter");
    }

    /// The service worker repeats the info app's paths in JavaScript: the
    /// two lists must stay the same.
    #[test]
    fn the_service_worker_knows_the_info_pages() {
        let sw = include_str!("../../../public/sw.js");
        let line = sw
            .lines()
            .find(|l| l.starts_with("const INFO = "))
            .expect("public/sw.js lists the info pages");
        let listed: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        assert_eq!(listed, INFO_PATHS);
    }

    #[test]
    fn each_path_belongs_to_one_app() {
        for path in ["/om", "/om/", "/om/anmala", "/statistik", "/oppna-data/"] {
            assert!(is_info_path(path), "{path}");
            assert!(!is_registration_path(path) && !is_my_programme_path(path));
        }
        for path in ["/", "/omx", "/om/annat", "/aktivitet/om", "/anmal"] {
            assert!(!is_info_path(path), "{path}");
        }
    }
}
