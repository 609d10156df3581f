//! Reusable pieces of the pages.

mod activity_card;
mod confirm;
mod filter_bar;
pub mod form;
mod layout;
mod load_state;
mod star;

pub use activity_card::ActivityCard;
pub use confirm::ConfirmButton;
pub use filter_bar::FilterBar;
pub use layout::{AppLink, FocusOnNavigation, SiteFooter, SiteHeader};
#[cfg(not(target_arch = "wasm32"))]
pub use load_state::LoadingPage;
pub use load_state::{LoadError, Loading};
pub use star::{MyProgramme, StarButton};
