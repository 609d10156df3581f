// Innovationsveckan's service worker. It keeps the app's own files (the page,
// its script, WebAssembly, style sheet and icon), so that someone who has
// opened the app once can open it again without a network, go on with a draft
// and queue it for sending. It never touches the API: the programme, the
// registrations and their idempotency keys always talk to the server itself.

const CACHE = "innovationsveckan-app-v1";
const SHELL = "/";

self.addEventListener("install", (event) => {
    event.waitUntil(refreshShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
    event.waitUntil(
        caches
            .keys()
            .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
            .then(() => self.clients.claim()),
    );
});

self.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
        return;
    }
    if (request.mode === "navigate") {
        event.respondWith(page(event));
    } else {
        event.respondWith(file(request));
    }
});

// Any page of the app is the same document: fresh from the server when it
// answers, the kept copy when it does not.
async function page(event) {
    try {
        const response = await fetch(event.request);
        if (response.ok && (response.headers.get("content-type") || "").startsWith("text/html")) {
            const copy = response.clone();
            event.waitUntil(copy.text().then((html) => keep(html, response.clone())));
        }
        return response;
    } catch (error) {
        const kept = await caches.match(SHELL);
        if (kept) {
            return kept;
        }
        throw error;
    }
}

// The build's files have their content hash in their names: a kept copy is
// always right.
async function file(request) {
    const kept = await caches.match(request, { ignoreSearch: true });
    if (kept) {
        return kept;
    }
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
        const cache = await caches.open(CACHE);
        await cache.put(request, response.clone());
    }
    return response;
}

async function refreshShell() {
    const response = await fetch(SHELL, { cache: "no-cache" });
    if (response.ok) {
        await keep(await response.clone().text(), response);
    }
}

// Keeps the page and every file it names, and lets go of earlier builds' files.
async function keep(html, response) {
    const cache = await caches.open(CACHE);
    await cache.put(SHELL, response);
    const files = new Set(["/favicon.svg"]);
    for (const match of html.matchAll(/(?:href|src)="(\/[^"?#]+\.(?:js|wasm|css|svg))"/g)) {
        files.add(match[1]);
    }
    for (const path of files) {
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
    for (const request of await cache.keys()) {
        const path = new URL(request.url).pathname;
        if (path !== SHELL && !files.has(path)) {
            await cache.delete(request);
        }
    }
}
