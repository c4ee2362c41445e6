// Marks on the transcript: withdrawn remarks (取消し), closed sessions (秘密会) and personal
// information (個人情報). The clerk selects text in one line or across lines, chooses the
// kind and marks it; marks are listed with a button to remove them (the history undoes
// either); suggestions (personal information found in the lines, withdrawals the chair
// permitted) are accepted or dismissed one by one. The public copy leaves marked text out.
import { T, api, clock, el, showError, toast } from "../common.js";
import { refreshHistory } from "./history.js";
import { BASE, state } from "./page.js";
import { load } from "./sync.js";

const KIND_NAMES = { withdrawn: "mark_withdrawn", closed: "mark_closed", personal: "mark_personal" };

function kindText(mark) {
  const kind = T[KIND_NAMES[mark.kind]] || mark.kind;
  return mark.category ? kind + "（" + (T["category_" + mark.category] || mark.category) + "）"
                       : kind;
}

// Where a point of the page's selection is: the line (its number) and the character in its
// text, or null outside the transcript's text.
function pointOf(node, offset) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const text = element && element.closest("#segments li.seg p.text:not(.gap)");
  if (!text) return null;
  const range = document.createRange();
  range.selectNodeContents(text);
  range.setEnd(node, offset);
  return { line: Number(text.closest("li.seg").dataset.id), at: range.toString().length };
}

// The selection as a mark's place: first line and character, last line and character.
export function selectedPlace() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  const start = pointOf(range.startContainer, range.startOffset);
  const end = pointOf(range.endContainer, range.endOffset);
  if (!start || !end) return null;
  return start.line === end.line
    ? { segment_id: start.line, start: start.at, end: end.at }
    : { segment_id: start.line, start: start.at, last_segment_id: end.line, end: end.at };
}

// The text last selected in the transcript: choosing the kind or typing a note moves the
// page's selection into the form, so the place is kept when it is made.
let chosen = null;
const preview = document.getElementById("mark-selected");
document.addEventListener("selectionchange", () => {
  const place = selectedPlace();
  if (!place) return;
  chosen = place;
  preview.textContent = "「" + window.getSelection().toString().slice(0, 60) + "」";
});

const kindSelect = document.getElementById("mark-kind");
const categoryLabel = document.getElementById("mark-category").closest("label");
const permittedLabel = document.getElementById("mark-permitted").closest("label");
function showFields() {
  categoryLabel.hidden = kindSelect.value !== "personal";
  permittedLabel.hidden = kindSelect.value !== "withdrawn";
}
kindSelect.addEventListener("change", showFields);
showFields();

document.getElementById("mark-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const place = selectedPlace() || chosen;
  if (!place) { toast(T.mark_select_first, "error"); return; }
  const kind = kindSelect.value;
  const body = { ...place, kind, note: document.getElementById("mark-note").value };
  if (kind === "personal") body.category = document.getElementById("mark-category").value;
  const permitted = document.getElementById("mark-permitted").value;
  if (kind === "withdrawn" && permitted) body.permitted_by = Number(permitted);
  try {
    await api("POST", BASE + "/marks", body);
    window.getSelection().removeAllRanges();
    chosen = null;
    preview.textContent = "";
    document.getElementById("mark-note").value = "";
    toast(T.mark_added);
    await changed();
  } catch (error) { showError(error); }
});

async function changed() {
  await load();
  refreshHistory();
  refreshSuggestions();
}

export function renderMarks() {
  const marks = state.doc.marks || [];
  const list = document.getElementById("marks");
  const starts = new Map(state.doc.segments.map((s) => [s.id, s.start]));
  if (!marks.length) return list.replaceChildren(el("li", { class: "muted" }, T.no_marks));
  list.replaceChildren(...marks.map((mark) => el("li", { class: "mark-entry", dataset: {
    id: mark.id, kind: mark.kind } },
    el("strong", {}, kindText(mark)), " ",
    el("span", { class: "muted" }, "#" + mark.segment_id
       + (mark.last_segment_id ? "–#" + mark.last_segment_id : "")
       + (starts.has(mark.segment_id) ? " " + clock(starts.get(mark.segment_id)) : "")), " ",
    "「" + mark.text + "」",
    mark.lost ? el("em", { class: "warning-text" }, " " + T.mark_lost) : "",
    mark.note ? el("span", { class: "muted" }, " " + mark.note) : "", " ",
    el("button", { type: "button", class: "link", onclick: () => remove(mark) },
       T.mark_remove))));
}

async function remove(mark) {
  try {
    await api("DELETE", BASE + "/marks/" + mark.id);
    await changed();
  } catch (error) { showError(error); }
}

const box = document.getElementById("mark-suggestions-box");
box.addEventListener("toggle", () => refreshSuggestions());

function refreshSuggestions() {
  if (box.open) loadSuggestions().catch(showError);
}

async function loadSuggestions() {
  const found = await api("GET", BASE + "/suggestions?kind=marks");
  const list = document.getElementById("mark-suggestions");
  if (!found.length) return list.replaceChildren(el("li", { class: "muted" }, T.no_suggestions));
  list.replaceChildren(...found.map((s) => el("li", { class: "suggested-mark",
                                                       dataset: { id: s.id } },
    el("strong", {}, kindText(s)), " ", el("span", { class: "muted" }, "#" + s.segment_id),
    " 「" + s.text + "」 ",
    el("button", { type: "button", class: "link", onclick: () => decide(s, "accept") },
       T.accept), " ",
    el("button", { type: "button", class: "link", onclick: () => decide(s, "dismiss") },
       T.dismiss))));
}

async function decide(suggestion, action) {
  try {
    await api("POST", BASE + "/suggestions/" + encodeURIComponent(suggestion.id) + "/" + action);
    await changed();
  } catch (error) { showError(error); }
}
