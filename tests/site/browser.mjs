// The site in a real browser (headless Chromium through playwright-core), driven by tests/site.rs:
//   node tests/site/browser.mjs BASE_URL FILE_URL SCREENSHOT_DIR WORD ARTICLE BROWSE [PAGE_URL...]
// BASE_URL serves the site over HTTP; FILE_URL is the same site's index.html on disk; WORD is a word
// of ARTICLE (an article id); BROWSE is a browse page's path; each PAGE_URL is one more page (of any
// site) checked with axe-core, its screenshot page-N.png. Prints one JSON object of what it saw.
// playwright-core and axe-core are found in NEWSARC_BROWSER_MODULES (a folder holding node_modules);
// the browser is CHROMIUM (default /usr/bin/chromium). Nothing is downloaded.
import { createRequire } from "node:module";
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, fileUrl, shots, word, article, browse, ...more] = process.argv.slice(2);
const require = createRequire(join(process.env.NEWSARC_BROWSER_MODULES, "node_modules", "x.js"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
mkdirSync(shots, { recursive: true });

// A fresh profile: launchPersistentContext passes it as --user-data-dir.
const profile = mkdtempSync(join(tmpdir(), "newsarc-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  viewport: { width: 1000, height: 900 },
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
  ],
});
const out = { requests: [] };
try {
  const page = context.pages()[0] || (await context.newPage());
  // Every request the pages make: the test checks that none leaves the site.
  page.on("request", (r) => out.requests.push(r.url()));
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const axe = async () => {
    await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  };

  // The home page: landmarks, the search box, axe.
  await page.goto(`${base}/index.html`);
  out.home = await page.evaluate(() => ({
    title: document.title,
    h1: document.querySelector("h1")?.textContent,
    searchLandmark: !!document.querySelector('[role="search"] input[type="search"]'),
    main: !!document.querySelector("main"),
  }));
  out.homeAxe = await axe();
  await page.screenshot({ path: join(shots, "home.png"), fullPage: true });

  // Search by keyboard: Tab to the box, type, Enter; time until the results are shown.
  await page.goto(`${base}/index.html`);
  let tabs = 0;
  while (tabs < 30 && !(await page.evaluate(() => document.activeElement?.id === "q"))) {
    await page.keyboard.press("Tab");
    tabs++;
  }
  out.tabsToSearch = (await page.evaluate(() => document.activeElement?.id)) === "q" ? tabs : null;
  await page.keyboard.type(word);
  const started = Date.now();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /found/.test(document.getElementById("search-status").textContent), null, { timeout: 20000 });
  out.searchMs = Date.now() - started;
  out.search = await page.evaluate(() => ({
    status: document.getElementById("search-status").textContent,
    links: [...document.querySelectorAll("#results a")].map((a) => a.href),
    marks: [...document.querySelectorAll("#results mark")].map((m) => m.textContent),
  }));
  out.searchAxe = await axe();
  await page.screenshot({ path: join(shots, "search.png"), fullPage: true });
  // The README's picture (docs/site.png): the top of the home page with these results.
  await page.evaluate(() => document.activeElement.blur());
  await page.screenshot({ path: join(shots, "readme.png") });
  // The first result opens the article.
  if (out.search.links.length > 0) {
    await page.click("#results a");
    await page.waitForLoadState();
    out.search.opened = page.url();
  }

  // A filter alone (language: Arabic), then a word in Arabic script.
  const results = async (url) => {
    await page.goto(url);
    await page.waitForFunction(() => /found/.test(document.getElementById("search-status").textContent), null, { timeout: 20000 });
    return page.evaluate(() => [...document.querySelectorAll("#results a")].map((a) => a.getAttribute("href").split("/").pop()));
  };
  out.filtered = await results(`${base}/index.html?language=ar`);
  out.arabicWord = await results(`${base}/index.html?q=${encodeURIComponent("الريحان")}`);

  // The article page: language and direction, axe.
  await page.goto(`${base}/articles/${article}.html`);
  out.article = await page.evaluate(() => {
    const a = document.querySelector("article");
    return {
      lang: a?.getAttribute("lang"),
      dir: a?.getAttribute("dir"),
      direction: a ? getComputedStyle(a).direction : null,
      h1: document.querySelector("h1")?.textContent,
      h1Right: (() => {
        const h = document.querySelector("article h1");
        const r = h.getBoundingClientRect(), m = h.parentElement.getBoundingClientRect();
        return Math.abs(r.right - m.right) < 2;
      })(),
      downloads: [...document.querySelectorAll("table.files a")].map((a) => a.getAttribute("href")),
    };
  });
  out.articleAxe = await axe();
  await page.screenshot({ path: join(shots, "article.png"), fullPage: true });

  // A browse page.
  await page.goto(`${base}/${browse}`);
  out.browse = await page.evaluate(() => ({ h1: document.querySelector("h1")?.textContent, items: document.querySelectorAll("ol.listing li").length }));
  out.browseAxe = await axe();
  await page.screenshot({ path: join(shots, "browse.png"), fullPage: true });

  // More pages, each checked with axe-core.
  out.moreAxe = {};
  for (const [i, url] of more.entries()) {
    await page.goto(url);
    out.moreAxe[url] = await axe();
    await page.screenshot({ path: join(shots, `page-${i + 1}.png`), fullPage: true });
  }

  // From disk (file://): browsing works; search says it needs HTTP.
  await page.goto(fileUrl);
  await page.click(`a[href^="browse/"]`);
  await page.waitForLoadState();
  const listed = await page.evaluate(() => document.querySelector("ol.listing a")?.getAttribute("href"));
  await page.click("ol.listing a");
  await page.waitForLoadState();
  out.fromDisk = { listed, opened: page.url(), h1: await page.evaluate(() => document.querySelector("article h1")?.textContent) };
  out.errors = errors;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
