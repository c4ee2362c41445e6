// Editing a line: its text in place, line surgery from the editor (split, merge, insert,
// delete), and the saves, checked against the version the line had when the editing began.
// A line being typed in survives every redraw: its text and cursor are kept and put back.
import { T, el, fill, showError } from "../common.js";
import { BASE, state } from "./page.js";
import { typing } from "./player.js";
import { speakerName } from "./speakers.js";
import { catchUp, change, compare, surgery } from "./sync.js";
import { focusRow, renderRow, renderSegments, rowAt } from "./transcript.js";

// The line being edited: what is typed in it, where the cursor is, and the line as it was
// when the editing began (its version and text: what a save is checked against).
export function draft() {
  const box = document.querySelector("#segments .text-edit");
  if (state.editing === null || !box) return null;
  return { line: box.segmentShown, text: box.value, from: box.selectionStart,
           to: box.selectionEnd };
}

function unsavedLine() {
  const kept = draft();
  return Boolean(kept && kept.text.trim() !== kept.line.text.trim());
}

// Leaving the page with a correction typed and not saved asks first (the browser's question).
function unsavedWork() {
  const form = document.querySelector("#minutes form");
  return unsavedLine() || Boolean(form && form.dataset.changed);
}
window.addEventListener("beforeunload", (event) => {
  if (!unsavedWork()) return;
  event.preventDefault();
  event.returnValue = T.unsaved_leave;
});

export function reopen(kept) {
  state.editing = null;
  const index = state.doc.segments.findIndex((s) => s.id === kept.line.id);
  if (index >= 0) return edit(index, kept);
  // the line is gone (deleted or merged elsewhere): what was typed is shown, not dropped
  if (kept.text.trim() !== kept.line.text.trim()) {
    showError({ message: fill(T.line_gone, { n: kept.line.id }) + " " + kept.text });
  }
}

export function edit(index, kept = null) {
  const shown = state.doc.segments[index];
  const row = rowAt(index);
  if (!shown || !row || state.editing !== null) return;
  // opened again after a redraw: checked against the line as it was when the typing began,
  // so a change made meanwhile (a replace-all, another window) is shown to compare on save
  const segment = kept ? kept.line : shown;
  state.editing = segment.id;
  const box = el("textarea", { class: "text-edit", rows: "3", "aria-label": T.edit },
                 kept ? kept.text : segment.text);
  box.segmentShown = segment;
  const done = () => { state.editing = null; renderRow(index); focusRow(index); catchUp(); };
  const commit = async () => {
    if (box.value.trim() === segment.text.trim()) return done();
    state.editing = null;
    await save(segment, { text: box.value });
    focusRow(index);
    catchUp();
  };
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); done(); }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      commit();
    }
  });
  box.addEventListener("input", typing);
  // line surgery: what is typed and not saved is saved first, so nothing is lost
  const first = async () => {
    if (box.value.trim() === segment.text.trim()) return true;
    return save(segment, { text: box.value });
  };
  const lineAt = BASE + "/segments/" + segment.id;
  const split = async () => {
    const at = box.selectionStart;
    if (!(await first())) return;
    await surgery("POST", lineAt + "/split", { at }, true);
  };
  const merge = async () => {
    if (!(await first())) return;
    await surgery("POST", lineAt + "/merge", undefined, true);
  };
  const remove = async () => {
    if (!confirm(T.confirm_delete_line)) return;
    await surgery("DELETE", lineAt, undefined, true);
  };
  const insert = async () => {
    if (!(await first())) return;
    const text = prompt(T.new_line_text);
    if (!text || !text.trim()) return;
    await surgery("POST", BASE + "/segments", { after: segment.id, text: text.trim() }, true);
  };
  const actions = el("div", { class: "buttons" },
    el("button", { type: "button", class: "button", onclick: commit }, T.save),
    el("button", { type: "button", class: "button secondary", onclick: done }, T.cancel),
    el("span", { class: "line-tools buttons" },
      el("button", { type: "button", class: "link", dataset: { tool: "split" },
                     onmousedown: (e) => e.preventDefault(), onclick: split }, T.split_here),
      el("button", { type: "button", class: "link", dataset: { tool: "merge" }, onclick: merge },
         T.merge_next),
      el("button", { type: "button", class: "link", dataset: { tool: "insert" }, onclick: insert },
         T.insert_after),
      el("button", { type: "button", class: "link danger", dataset: { tool: "delete" },
                     onclick: remove }, T.delete_line)));
  row.querySelector(".text").replaceWith(el("div", { class: "editor" }, box, actions));
  row.querySelector(".edit").hidden = true;
  box.focus();
  if (kept) box.setSelectionRange(kept.from, kept.to);
  else box.setSelectionRange(box.value.length, box.value.length);
}

// A line's text or speaker saved; a change someone made meanwhile is shown to compare.
export async function save(segment, patch) {
  state.editing = null;
  const index = state.doc.segments.findIndex((s) => s.id === segment.id);
  if (index < 0) { // the line is gone meanwhile: what was typed is shown, not dropped
    if (patch.text !== undefined) {
      showError({ message: fill(T.line_gone, { n: segment.id }) + " " + patch.text });
    }
    renderSegments();
    return false;
  }
  const path = BASE + "/segments/" + segment.id;
  const stored = (answer) => { state.doc.segments[index] = answer.segment; };
  const saved = await change("PATCH", path, { ...patch, version: segment.version }, stored,
    async (current) => {
      state.doc.segments[index] = current;
      const mine = patch.text !== undefined ? patch.text : speakerName(patch.speaker);
      const theirs = patch.text !== undefined ? current.text : speakerName(current.speaker);
      if (!(await compare(theirs, mine))) return false;
      return change("PATCH", path, { ...patch, version: current.version }, stored);
    });
  renderRow(index); // the changed line, or the line as it is now when refused
  return saved;
}
