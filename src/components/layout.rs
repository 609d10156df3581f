use leptos::prelude::*;
use leptos_router::components::A;

/// The site's header, on every page.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="site-name">"Innovationsveckan"</A>
                <nav aria-label="Huvudmeny">
                    <ul>
                        <li><A href="/">"Programmet"</A></li>
                    </ul>
                </nav>
            </div>
        </header>
    }
}

/// The site's footer, on every page.
#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Innovationsveckan är den offentliga sektorns innovationsvecka. Den drivs av "
                "Sveriges Kommuner och Regioner (SKR), Vinnova, Upphandlingsmyndigheten och "
                "Myndigheten för digital förvaltning (DIGG)."
            </p>
            <p>"Varje arrangör ansvarar för sin egen aktivitet."</p>
        </footer>
    }
}
