// newsarc site: the home page's search, on Pagefind's index (pagefind/). Pagefind loads a module
// and WebAssembly, so it works when the site is served over HTTP(S); from disk the form says so
// and the browse lists still work.
const form = document.getElementById("search");
const input = document.getElementById("q");
const status = document.getElementById("search-status");
const list = document.getElementById("results");
const selects = [...form.querySelectorAll("select[data-filter]")];
const LIMIT = 50;
let pagefind = null;

async function load() {
  if (!pagefind) {
    pagefind = await import(new URL("pagefind/pagefind.js", document.baseURI).href);
    await pagefind.options({ excerptLength: 24 });
  }
  return pagefind;
}

// Pagefind's excerpt is text with <mark> around the words found: keep only those two.
function excerpt(html) {
  const p = document.createElement("p");
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

async function run() {
  const query = input.value.trim();
  const filters = {};
  for (const s of selects) if (s.value) filters[s.dataset.filter] = s.value;
  list.replaceChildren();
  if (!query && Object.keys(filters).length === 0) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  let pf;
  try {
    pf = await load();
  } catch (e) {
    status.textContent = "Search needs the site served over HTTP (for example `python3 -m http.server` in its folder); browsing below works as it is.";
    return;
  }
  const found = await pf.search(query || null, { filters });
  const shown = await Promise.all(found.results.slice(0, LIMIT).map((r) => r.data()));
  for (const d of shown) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = new URL(d.url.replace(/^\/+/, ""), document.baseURI).href;
    a.textContent = d.meta.title || d.url;
    const h = document.createElement("h3");
    h.append(a);
    li.append(h);
    const about = [d.meta.date, d.meta.place].filter(Boolean).join(" · ");
    if (about) {
      const p = document.createElement("p");
      p.className = "about";
      p.textContent = about;
      li.append(p);
    }
    const text = excerpt(d.excerpt);
    for (const el of [a, text]) {
      if (d.meta.language) el.lang = d.meta.language;
      if (d.meta.dir) el.dir = d.meta.dir;
    }
    li.append(text);
    list.append(li);
  }
  const n = found.results.length;
  status.textContent = n === 0 ? "No article found." : n === 1 ? "1 article found." : n > LIMIT ? `${n} articles found; the first ${LIMIT} are shown.` : `${n} articles found.`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  for (const s of selects) if (s.value) params.set(s.name, s.value);
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  run();
});

// A search in the address (index.html?q=word&language=ar) runs on load: searches can be linked.
const params = new URLSearchParams(location.search);
if (params.get("q")) input.value = params.get("q");
for (const s of selects) if (params.get(s.name)) s.value = params.get(s.name);
if (input.value || selects.some((s) => s.value)) run();
