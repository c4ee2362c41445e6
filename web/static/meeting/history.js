// The history panel: every change, newest first, as the server words it in the page's
// language, with who made it (when people have accounts) and undo where it can be undone.
import { T, api, el, showError, when } from "../common.js";
import { BASE } from "./page.js";
import { load } from "./sync.js";

const panel = document.getElementById("history");
panel.addEventListener("toggle", () => refreshHistory());

// Drawn again after a change, when the panel is open.
export function refreshHistory() {
  if (panel.open) loadHistory().catch(showError);
}

async function loadHistory() {
  const edits = await api("GET", BASE + "/history");
  const list = document.getElementById("history-list");
  if (!edits.length) return list.replaceChildren(el("li", { class: "muted" }, T.no_history));
  list.replaceChildren(...edits.slice().reverse().map((edit) => el("li", {},
    // the server says what each entry was and whether it can be undone (a replaced
    // recording cannot)
    el("span", { class: "muted" }, when(edit.created_at)), " ",
    edit.author ? el("span", { class: "author" }, edit.author + "：") : "", edit.summary, " ",
    edit.undone_at ? el("em", {}, T.undone) : !edit.undoable ? "" : el("button", {
      type: "button", class: "link", onclick: () => undo(edit),
    }, T.undo))));
}

async function undo(edit) {
  try {
    await api("POST", BASE + "/history/" + edit.id + "/undo");
    await load();
    await loadHistory();
  } catch (error) { showError(error); }
}
