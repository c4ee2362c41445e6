// Find and replace over the whole transcript: the hits listed with their context, one
// replaced or all (and the replacement kept in the dictionary if asked).
import { T, api, el, fill, showError, toast } from "../common.js";
import { refreshHistory } from "./history.js";
import { BASE, state } from "./page.js";
import { load } from "./sync.js";
import { indexOf, seek } from "./transcript.js";

const finder = {
  form: document.getElementById("find-form"), text: document.getElementById("find-text"),
  replace: document.getElementById("replace-text"), whole: document.getElementById("whole-word"),
  dictionary: document.getElementById("to-dictionary"),
  all: document.getElementById("replace-all"), hits: [],
};

async function find() {
  const query = new URLSearchParams({ q: finder.text.value,
                                      whole_word: String(finder.whole.checked) });
  finder.hits = await api("GET", BASE + "/find?" + query);
  document.getElementById("find-count").textContent =
    finder.hits.length ? fill(T.hits, { n: finder.hits.length }) : T.no_hits;
  finder.all.textContent = fill(T.replace_all, { n: finder.hits.length });
  finder.all.disabled = !finder.hits.length;
  document.getElementById("hits").replaceChildren(...finder.hits.map((hit) => {
    const before = hit.text.slice(Math.max(0, hit.start - 20), hit.start);
    const after = hit.text.slice(hit.end, hit.end + 20);
    return el("li", { class: "hit" },
      el("button", { type: "button", class: "link",
                     onclick: () => seek(indexOf(hit.number), false) }, "#" + hit.number),
      " …" + before, el("mark", {}, hit.text.slice(hit.start, hit.end)),
      finder.replace.value ? el("ins", {}, finder.replace.value) : null, after + "… ",
      el("button", { type: "button", class: "link",
                     onclick: () => replaceHits([[hit.number, hit.start]]) }, T.replace_one));
  }));
}

async function replaceHits(only) {
  state.ownChange = Date.now();
  try {
    const done = await api("POST", BASE + "/replace", {
      find: finder.text.value, replace: finder.replace.value, whole_word: finder.whole.checked,
      only, add_to_dictionary: finder.dictionary.checked && only === null,
    });
    toast(fill(T.replaced, { n: done.replaced }));
    await load();
    await find();
    refreshHistory();
  } catch (error) { showError(error); }
}

finder.form.addEventListener("submit", (event) => {
  event.preventDefault();
  find().catch(showError);
});
finder.all.addEventListener("click", () => replaceHits(null));
