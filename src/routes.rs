//! Every address in the app, in one place.

use programme::ProgrammeFilter;

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppRoute {
    /// The programme, narrowed by a filter.
    Programme(ProgrammeFilter),
    /// One activity; the filter is kept so the way back returns to the same view.
    Activity { id: String, filter: ProgrammeFilter },
    /// The accessibility statement.
    Accessibility,
}

impl AppRoute {
    /// The path with its query string.
    pub fn path(&self) -> String {
        let (path, filter) = match self {
            AppRoute::Accessibility => return "/tillganglighet".to_owned(),
            AppRoute::Programme(filter) => ("/".to_owned(), filter),
            AppRoute::Activity { id, filter } => (
                format!("/aktivitet/{}", programme::filter::percent_encode(id)),
                filter,
            ),
        };
        let query = filter.to_query_string();
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_carry_the_filter() {
        let filter = ProgrammeFilter {
            q: Some("ai".into()),
            ..Default::default()
        };
        assert_eq!(AppRoute::Programme(ProgrammeFilter::default()).path(), "/");
        assert_eq!(AppRoute::Programme(filter.clone()).path(), "/?q=ai");
        assert_eq!(
            AppRoute::Activity {
                id: "abc".into(),
                filter
            }
            .path(),
            "/aktivitet/abc?q=ai"
        );
    }
}
