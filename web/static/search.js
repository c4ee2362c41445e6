// The search page: lines of every meeting the person may read, grouped by meeting with the
// words found marked, each line played from its start with one click (or opened in its
// meeting); and a question answered from past minutes, its cited lines listed under it.
import { T, api, clock, el, fill, showError } from "./common.js";

const form = document.getElementById("search-form");
const player = document.getElementById("search-player");
const FIELDS = ["q", "since", "until", "kind", "group", "speaker", "person", "role"];
let shown = 0;
let stopAt = null;

function params(extra) {
  const found = new URLSearchParams();
  for (const name of FIELDS) {
    const value = form[name].value.trim();
    if (value) found.set(name, value);
  }
  for (const [name, value] of Object.entries(extra || {})) found.set(name, String(value));
  return found;
}

// The text with the found words in <mark>, built from text nodes (never as HTML).
function marked(text, highlights) {
  const parts = [];
  let at = 0;
  for (const [start, end] of highlights || []) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(el("mark", {}, text.slice(start, end)));
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}

function play(line) {
  const source = "/api/meetings/" + encodeURIComponent(line.meeting_id) + "/audio";
  if (!player.src.endsWith(source)) { player.src = source; player.load(); }
  stopAt = line.end ?? null;
  const start = () => { player.currentTime = line.start; player.play().catch(showError); };
  if (player.readyState >= 1) start();
  else player.addEventListener("loadedmetadata", start, { once: true });
}
player.addEventListener("timeupdate", () => {
  if (stopAt !== null && player.currentTime >= stopAt) { player.pause(); stopAt = null; }
});

function lineLink(line) {
  return "/meetings/" + encodeURIComponent(line.meeting_id) + "#line-" + line.segment_id;
}

function lineRow(line, text) {
  return el("li", { class: "hit", dataset: { meeting: line.meeting_id, line: String(line.segment_id) } },
    el("button", { type: "button", class: "link play", title: T.play_line,
                   "aria-label": T.play_line + " " + clock(line.start), onclick: () => play(line) },
       "▶ " + clock(line.start)),
    " ", el("span", { class: "speaker" }, line.speaker || "—"), " ",
    el("a", { href: lineLink(line) }, ...text));
}

function render(hits, more) {
  const box = document.getElementById("search-results");
  if (!more) box.replaceChildren();
  let group = box.lastElementChild;
  for (const hit of hits) {
    if (!group || group.dataset.meeting !== hit.meeting_id) {
      group = el("section", { class: "hit-meeting", dataset: { meeting: hit.meeting_id } },
        el("h2", {}, el("a", { href: "/meetings/" + encodeURIComponent(hit.meeting_id) },
                        hit.meeting_title), " ",
           el("span", { class: "muted" }, hit.meeting_date)),
        el("ul", { class: "search-hits" }));
      box.append(group);
    }
    group.querySelector("ul").append(lineRow(hit, marked(hit.text, hit.highlights)));
  }
}

async function run(more) {
  const offset = more ? shown : 0;
  try {
    const found = await api("GET", "/api/search?" + params({ offset }));
    render(found.hits, more);
    shown = offset + found.hits.length;
    document.getElementById("search-count").textContent =
      found.total ? fill(found.total_exact ? T.search_found : T.search_found_more,
                         { total: found.total.toLocaleString(), shown }) : T.search_none;
    document.getElementById("search-more").hidden = shown >= found.total;
  } catch (error) { showError(error); }
}

form.addEventListener("submit", (event) => { event.preventDefault(); run(false); });
document.getElementById("search-more").addEventListener("click", () => run(true));

document.getElementById("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = document.getElementById("ask-answer");
  const button = event.target.querySelector("button");
  button.disabled = true;
  box.replaceChildren(el("p", { class: "muted" }, T.ask_waiting));
  try {
    const answer = await api("POST", "/api/ask", { question: event.target.question.value });
    const sentences = answer.sentences.length
      ? answer.sentences.map((s) => el("span", {}, s.text,
          ...s.citations.map((n) => el("sup", {}, "[" + (n + 1) + "]"))))
      : [answer.answer];
    box.replaceChildren(
      el("p", { class: answer.found ? "answer" : "answer muted", id: "ask-text",
                dataset: { found: String(answer.found) } }, ...sentences),
      el("ol", { class: "search-hits", id: "ask-citations" },
         ...answer.citations.map((c) => lineRow(c, [c.meeting_title + "：" + c.text]))));
  } catch (error) {
    box.replaceChildren();
    showError(error);
  } finally { button.disabled = false; }
});
