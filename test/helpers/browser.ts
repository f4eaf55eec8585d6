/**
 * Real headless Chromium for browser tests (Debian's /usr/bin/chromium driven by playwright-core).
 * One browser per test file: `const b = await launchBrowser()` in beforeAll, `b.close()` in
 * afterAll. When Chromium is absent the tests skip with a message (CI installs it).
 *
 * Every page opened through `watchedPage` is fenced: any request to a host other than 127.0.0.1 is
 * aborted and recorded, and dialogs, page errors, console messages and CSP violations are kept
 * for assertions.
 */
import { existsSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.PANKO_CHROMIUM ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM_PATH);

let warned = false;
/** Says once why browser tests are skipped; use as `describe.skipIf(!browserAvailable())`. */
export function browserAvailable(): boolean {
  if (!hasChromium && !warned) {
    warned = true;
    console.warn(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium package)`);
  }
  return hasChromium;
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
}

export interface CspViolation {
  directive: string;
  blocked: string;
  sample: string;
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** URLs of requests that tried to leave 127.0.0.1 (all aborted). */
  offHost: string[];
  /** Messages of dialogs that opened (alert/confirm/prompt); each is dismissed. */
  dialogs: string[];
  pageErrors: string[];
  console: { type: string; text: string }[];
  /** securitypolicyviolation events seen by the page. */
  csp(): Promise<CspViolation[]>;
  close(): Promise<void>;
}

export async function watchedPage(browser: Browser, opts: { colorScheme?: "light" | "dark" } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ colorScheme: opts.colorScheme ?? "light", serviceWorkers: "block" });
  const offHost: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    let local = false;
    try {
      const u = new URL(url);
      local = (u.protocol === "http:" || u.protocol === "https:" || u.protocol === "ws:") && u.hostname === "127.0.0.1";
    } catch {
      local = false;
    }
    if (local) return route.continue();
    offHost.push(url);
    return route.abort("blockedbyclient");
  });
  // Runs before any page script (and is not subject to the page's CSP): records violations.
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: unknown[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const consoleMessages: { type: string; text: string }[] = [];
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  return {
    context,
    page,
    offHost,
    dialogs,
    pageErrors,
    console: consoleMessages,
    csp: () => page.evaluate(() => (window as unknown as { __csp: CspViolation[] }).__csp ?? []),
    close: () => context.close(),
  };
}

/**
 * An exported page served as a plain file would be read: no headers of panko's, only the file's
 * own CSP. `url` is where it is; `stop()` when done.
 */
export function servedFile(html: string): { url: string; stop(): void } {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } }) });
  return { url: `http://127.0.0.1:${server.port}/`, stop: () => server.stop(true) };
}

/** Runs `fn` on a fenced page opened at `html` served as a plain file (servedFile), then closes both. */
export async function onServedFile(browser: Browser, html: string, fn: (page: Page, w: WatchedPage) => Promise<void>, viewport?: { width: number; height: number }): Promise<void> {
  const file = servedFile(html);
  const w = await watchedPage(browser);
  try {
    if (viewport) await w.page.setViewportSize(viewport);
    await w.page.goto(file.url, { waitUntil: "load" });
    await fn(w.page, w);
  } finally {
    await w.close();
    file.stop();
  }
}
