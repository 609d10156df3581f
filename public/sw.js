// Innovationsveckan's service worker. It keeps the public apps' own files (the
// pages, their scripts, WebAssembly, style sheet and icon), so that someone who
// has opened the site once can open it again without a network, go on with a
// draft and queue it for sending.
//
// Of the API it keeps only the public programme's read-only answers,
// `GET /api/edition`, `GET /api/listing` (the programme as the app lists it),
// `GET /api/stats` (for Programmet i siffror) and each activity's
// `GET /api/activities/{id}` once fetched (its page, and every activity
// starred into Mitt program):
// network first, and the last good copy when the server cannot be reached,
// marked with `X-Offline-Copy: 1` so that the app can say when it was fetched
// (its `Date`). One place decides what the site is offline, for the app's
// files and its data alike, and it costs the WebAssembly nothing. Everything
// else under /api (registrations, edits, the organisers' and operators'
// private answers, every POST) always talks to the server itself.

const CACHE = "innovationsveckan-app-v1";
const DATA_CACHE = "innovationsveckan-data-v1";
// The public answers kept for reading offline.
const DATA = ["/api/edition", "/api/listing", "/api/stats"];
// An activity's whole record (not its calendar file).
const ACTIVITY = /^\/api\/activities\/[^/.]+$/;
// The page of each app, under the path that serves it.
const PAGES = ["/", "/anmal", "/mitt-program", "/om"];
// How many pages are kept under their own address (the server renders each
// address's first screen): the latest ones visited.
const PAGES_KEPT = 100;
// The information app's pages, as `programme::INFO_PATHS` lists them.
const INFO = ["/om", "/om/anmala", "/statistik", "/oppna-data"];

// The app a path belongs to, as `programme::is_registration_path` decides.
function pageFor(path) {
    const registration =
        path === "/anmal" || path.startsWith("/anmal/") || path === "/utkast" ||
        path.startsWith("/utkast/") || path.startsWith("/anmalan/");
    if (registration) {
        return "/anmal";
    }
    if (INFO.includes(path.length > 1 ? path.replace(/\/$/, "") : path)) {
        return "/om";
    }
    // As `programme::is_my_programme_path` decides.
    return path === "/mitt-program" || path.startsWith("/mitt-program/") ? "/mitt-program" : "/";
}

self.addEventListener("install", (event) => {
    // One page after the other: each keeps the files of every page it has seen,
    // so the second must not start before the first is stored.
    event.waitUntil(
        (async () => {
            for (const page of PAGES) {
                try {
                    await keepPage(page, await fetch(page, { cache: "no-cache" }));
                } catch (_) {
                    // Kept on the next visit.
                }
            }
            // The programme too, so that it reads offline after the first visit.
            const data = await caches.open(DATA_CACHE);
            for (const path of DATA) {
                try {
                    const response = await fetch(path, { cache: "no-cache" });
                    if (response.ok) {
                        await data.put(path, response);
                    }
                } catch (_) {
                    // Kept on the next visit.
                }
            }
            await self.skipWaiting();
        })(),
    );
});

self.addEventListener("activate", (event) => {
    event.waitUntil(
        caches
            .keys()
            .then((names) =>
                Promise.all(
                    names.filter((n) => n !== CACHE && n !== DATA_CACHE).map((n) => caches.delete(n)),
                ),
            )
            .then(() => self.clients.claim()),
    );
});

self.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    const api = url.pathname === "/api" || url.pathname.startsWith("/api/");
    // The operators' pages (as `programme::is_admin_path` decides) are theirs
    // alone and need the server anyway: never kept, never served from here.
    const admin = url.pathname === "/admin" || url.pathname.startsWith("/admin/");
    if (request.method !== "GET" || url.origin !== self.location.origin || admin) {
        return;
    }
    if (api) {
        if ((DATA.includes(url.pathname) || ACTIVITY.test(url.pathname)) && url.search === "") {
            event.respondWith(data(event, url.pathname));
        }
        return;
    }
    if (request.mode === "navigate") {
        event.respondWith(page(event, url.pathname + url.search, pageFor(url.pathname)));
    } else {
        event.respondWith(file(event));
    }
});

// How long a page or a public answer waits for the server when a copy of it
// is kept: on a very slow network the copy is shown after this, and the fresh
// one, when it comes, is kept for the next visit.
const PATIENCE_MS = 4000;

// Fresh from the server when it answers, else what `kept()` finds (also
// when a proxy in front of the server answers for it with an error page, and
// after `patience` milliseconds when given); a good fresh answer is handed
// to `keep`. Keeping never delays or fails the answer: with the storage
// quota full, nothing new is kept and everything still loads.
function networkFirst(event, kept, keep, patience) {
    const fresh = fetch(event.request);
    // Registered before the answer reads the response, so the copy is taken first.
    const keeping = fresh.then((response) => (response.ok ? keep(response.clone()) : undefined));
    event.waitUntil(keeping.catch(() => {}));
    return freshOrKept(fresh, () => kept().catch(() => undefined), patience);
}

const LATE = Symbol("late");

async function freshOrKept(fresh, kept, patience) {
    let response;
    try {
        response =
            patience === undefined
                ? await fresh
                : await Promise.race([fresh, new Promise((done) => setTimeout(() => done(LATE), patience))]);
    } catch (error) {
        const copy = await kept();
        if (copy) {
            return copy;
        }
        throw error;
    }
    if (response === LATE) {
        // Without a copy there is nothing better than waiting.
        return (await kept()) || fresh;
    }
    if (response.status >= 500) {
        return (await kept()) || response;
    }
    return response;
}

// A page, kept under its own address (its first screen is that address's)
// and, for an app's own address, under that; offline, an address never
// visited gets its app's page, which the app then fills in.
function page(event, address, app) {
    return networkFirst(
        event,
        async () => (await caches.match(address, { cacheName: CACHE })) || caches.match(app, { cacheName: CACHE }),
        (response) => keepPage(address, response),
        PATIENCE_MS,
    );
}

// A public answer, its kept copy marked as such (also when the server has
// not answered in time: the app says when the copy was fetched).
function data(event, path) {
    return networkFirst(
        event,
        () => offlineCopy(path),
        (response) => caches.open(DATA_CACHE).then((cache) => cache.put(path, response)),
        PATIENCE_MS,
    );
}

async function offlineCopy(path) {
    const kept = await caches.match(path, { cacheName: DATA_CACHE });
    if (!kept) {
        return undefined;
    }
    const headers = new Headers(kept.headers);
    headers.set("X-Offline-Copy", "1");
    return new Response(kept.body, { status: kept.status, statusText: kept.statusText, headers });
}

// The build's files have their content hash in their names: a kept copy is
// always right. Storing a new one happens beside the answer, never in its way.
async function file(event) {
    const request = event.request;
    const kept = await caches.match(request).catch(() => undefined);
    if (kept) {
        return kept;
    }
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
        const copy = response.clone();
        event.waitUntil(
            caches
                .open(CACHE)
                .then((cache) => cache.put(request, copy))
                .catch(() => {}),
        );
    }
    return response;
}

// The files a page names: its script, WebAssembly, style sheet and icon.
function filesOf(html) {
    const files = new Set(["/favicon.svg"]);
    for (const match of html.matchAll(/(?:href|src)="(\/[^"?#]+\.(?:js|wasm|css|svg))"/g)) {
        files.add(match[1]);
    }
    return files;
}

// Keeps a page and every file it names, and lets go of earlier builds' files.
async function keepPage(key, response) {
    if (!response.ok || !(response.headers.get("content-type") || "").startsWith("text/html")) {
        return;
    }
    const cache = await caches.open(CACHE);
    await cache.put(key, response.clone());
    const wanted = new Set();
    for (const page of PAGES) {
        const kept = await cache.match(page);
        if (kept) {
            for (const path of filesOf(await kept.text())) {
                wanted.add(path);
            }
        }
    }
    for (const path of wanted) {
        if (!(await cache.match(path))) {
            try {
                const fetched = await fetch(path);
                if (fetched.ok) {
                    await cache.put(path, fetched);
                }
            } catch (_) {
                // Kept on the next visit.
            }
        }
    }
    // Pages of other addresses stay while they name this build's files, the
    // latest PAGES_KEPT of them.
    const others = [];
    for (const request of await cache.keys()) {
        const url = new URL(request.url);
        const path = url.pathname;
        if ((PAGES.includes(path) && url.search === "") || wanted.has(path)) {
            continue;
        }
        const kept = await cache.match(request);
        const html = kept && (kept.headers.get("content-type") || "").startsWith("text/html");
        if (html && [...filesOf(await kept.text())].every((file) => wanted.has(file))) {
            others.push(request);
        } else {
            await cache.delete(request);
        }
    }
    // The cache lists them in the order they were put.
    for (const request of others.slice(0, Math.max(0, others.length - PAGES_KEPT))) {
        await cache.delete(request);
    }
}
