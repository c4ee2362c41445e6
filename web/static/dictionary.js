// The dictionary page: the installation's terms and correction rules, then the built-in ones.
import { T, api, el, showError, toast } from "./common.js";

const entriesBody = document.getElementById("entries");

function entryRow(entry) {
  const what = entry.kind === "term" ? entry.text : entry.text + " → " + entry.replacement;
  const remove = entry.builtin
    ? el("span", { class: "muted" }, T.builtin)
    : el("button", {
      type: "button", class: "link danger", "aria-label": T.delete + ": " + entry.text,
      onclick: async () => {
        try {
          await api("DELETE", "/api/dictionary/" + entry.id);
          await loadEntries();
        } catch (error) { showError(error); }
      },
    }, T.delete);
  return el("tr", { class: entry.builtin ? "builtin" : null },
    el("td", {}, entry.kind === "term" ? T.kind_term : T.kind_correction),
    el("td", { lang: entry.language || null }, what),
    el("td", {}, entry.language || T.all_languages),
    el("td", {}, entry.note),
    el("td", {}, remove));
}

async function loadEntries() {
  const entries = await api("GET", "/api/dictionary");
  entriesBody.replaceChildren(...entries.map(entryRow));
}

function submitter(formId, kind) {
  const form = document.getElementById(formId);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    if (!data.text.trim() || (kind === "correction" && !data.replacement.trim())) {
      toast(T.dictionary_fill_in, "error");
      return;
    }
    try {
      await api("POST", "/api/dictionary", { kind, language: "ja", ...data });
      form.reset();
      toast(T.saved);
      await loadEntries();
    } catch (error) { showError(error); }
  });
}

submitter("term-form", "term");
submitter("rule-form", "correction");
loadEntries().catch(showError);
