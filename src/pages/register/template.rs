//! `/anmal/mall/{activity}`: "Använd som mall" from the programme. A new draft
//! with the content of a published activity, without its day and times, opened
//! at the first step.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_params_map;
use programme::draft::{DraftForm, Step};

use super::super::use_page_title;
use super::{start_draft, step_path};
use crate::api::ApiError;
use crate::components::Loading;
use crate::store::StorageHealth;

/// `/anmal/mall/{activity}`.
#[component]
pub fn TemplatePage() -> impl IntoView {
    use_page_title(|| "Använd som mall".to_owned());
    let params = use_params_map();
    let health = StorageHealth::use_context();
    let copied = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            let activity = crate::api::public_activity(&id).await?;
            let form = DraftForm::from_activity(&activity, "").as_template();
            Ok::<_, ApiError>(start_draft(form, None, health))
        }
    });
    view! {
        <div class="page page--narrow">
            {move || match copied.get() {
                None => view! { <h1>"Använd som mall"</h1><Loading /> }.into_any(),
                Some(Ok(draft_id)) => {
                    let options = NavigateOptions { replace: true, ..Default::default() };
                    view! { <Redirect path=step_path(&draft_id, Step::Organiser) options /> }.into_any()
                }
                Some(Err(error)) => {
                    let message = match error {
                        ApiError::Status { status: 404, .. } => {
                            "Aktiviteten finns inte i programmet längre, så den kan inte användas som mall.".to_owned()
                        }
                        other => other.message(),
                    };
                    view! {
                        <h1>"Använd som mall"</h1>
                        <div class="notice notice--error" role="alert"><p>{message}</p></div>
                        <p><A href="/anmal">"Börja en ny anmälan utan mall"</A></p>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}
