// The transcript: lines drawn with their doubtful words, the line being played, moving
// through the lines (click, keyboard) and playing from one.
import { T, clock, el, fill } from "../common.js";
import { draft, edit, reopen, save } from "./editor.js";
import { player, state } from "./page.js";
import { hue, speakerLabel } from "./speakers.js";

let starts = []; // line start times, in order, for finding the line being played

// The marks on a line as [start, end, kind] character spans (gijiroku.marks: a mark runs
// from a character of its first line to a character of its last). Every row asks, twice per
// drawing, so the marks are laid out over the lines once for each document the page holds
// (its lines and marks are replaced, never changed in place, when anything changes): a
// 3-hour session has thousands of lines.
let laidOut = { segments: null, marks: null, byLine: new Map() };

function marksByLine() {
  const { segments, marks } = state.doc;
  if (laidOut.segments === segments && laidOut.marks === marks) return laidOut.byLine;
  const place = new Map(segments.map((s, index) => [s.id, index]));
  const byLine = new Map(); // line id -> [start or null, end or null, kind]
  for (const mark of marks || []) {
    if (mark.lost) continue;
    const first = place.get(mark.segment_id);
    const last = mark.last_segment_id ? place.get(mark.last_segment_id) : first;
    if (first === undefined || last === undefined) continue;
    for (let here = first; here <= last; here++) {
      const id = segments[here].id;
      if (!byLine.has(id)) byLine.set(id, []);
      byLine.get(id).push([here === first ? mark.start : null,
                           here === last ? mark.end : null, mark.kind]);
    }
  }
  laidOut = { segments, marks, byLine };
  return byLine;
}

function markedSpans(segment) {
  if (!(state.doc.marks || []).length) return [];
  const spans = [];
  for (const [from, to, kind] of marksByLine().get(segment.id) || []) {
    // (null: from the line's first character, or to its last as the line reads now)
    const start = from ?? 0;
    const end = to ?? segment.text.length;
    if (end > start) spans.push([start, end, kind]);
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

// A line's text with its marked passages shown as such (withdrawn, closed, personal).
function markedText(segment, spans) {
  const text = segment.text;
  const parts = [];
  let position = 0;
  for (const [start, end, kind] of spans) {
    const from = Math.max(start, position);
    if (from >= end) continue;
    if (from > position) parts.push(text.slice(position, from));
    parts.push(el("mark", { class: "marked marked-" + kind, title: T["mark_" + kind] },
                  text.slice(from, end)));
    position = end;
  }
  if (position < text.length) parts.push(text.slice(position));
  return parts;
}

// A line's text with the words worth checking against the recording underlined (and its
// marked passages shown, where it has any).
export function segmentText(segment) {
  const spans = markedSpans(segment);
  if (spans.length) return markedText(segment, spans);
  // Words are stored without the spaces between them (none in Japanese), so each is found
  // in the line's text in turn; a line retyped so that a word is gone is shown as typed.
  const text = segment.text;
  const parts = [];
  let position = 0;
  for (const word of segment.words) {
    const token = word.text.trim();
    if (!token) continue;
    const at = text.indexOf(token, position);
    if (at < 0) return [text];
    if (at > position) parts.push(text.slice(position, at));
    // (which words are doubtful was chosen when the recording was transcribed)
    parts.push(word.doubtful
      ? el("span", { class: "low", title: Math.round(word.probability * 100) + "%" }, token)
      : token);
    position = at + token.length;
  }
  if (position < text.length) parts.push(text.slice(position));
  return parts;
}

// The lines drawn again (the meeting was loaded anew). A row whose line, place and speakers
// are as they were stays the same element: a row replaced between the mouse going down and
// up on it swallows the click (a clerk's click on a line's time or 修正 as the page redraws
// after a save, a job's end or another window's change), and a 3-hour session has
// thousands of rows to rebuild. Lines added, removed or reordered: every row is drawn anew.
export function renderSegments() {
  const kept = draft(); // a line being typed in is opened again as it was, after the redraw
  const segments = state.doc.segments;
  starts = segments.map((s) => s.start);
  const list = document.getElementById("segments");
  const rows = [...list.children];
  const speakers = speakersShown();
  const same = rows.length === segments.length &&
    rows.every((row, index) => row.dataset.id === String(segments[index].id));
  if (same) {
    segments.forEach((segment, index) => {
      const key = rowKey(segment, index, speakers);
      const row = rows[index];  // (a row with the editor open is drawn anew, then reopened)
      if (row.drawnAs !== key || row.querySelector(".editor")) redraw(row, segment, index, key);
    });
  } else {
    list.replaceChildren(...segments.map((segment, index) =>
      segmentRow(segment, index, rowKey(segment, index, speakers))));
  }
  highlight(state.currentIndex, false);
  if (kept) reopen(kept);
}

// Everything a row shows: the line, its place, the speakers to choose from (speakersShown),
// its marks.
function rowKey(segment, index, speakers) {
  return JSON.stringify([segment, index, speakers, markedSpans(segment)]);
}

function speakersShown() {
  return JSON.stringify(state.doc.speakers.map((s) => [s.id, speakerLabel(s)]));
}

// One line drawn again after it changed; a 3-hour session has thousands of lines.
export function renderRow(index) {
  const row = rowAt(index);
  const segment = state.doc.segments[index];
  if (!row || !segment) return renderSegments();
  redraw(row, segment, index, rowKey(segment, index, speakersShown()));
  if (index === state.currentIndex) highlight(index, false);
}

// A row drawn anew in the place of the old one, keeping its place in the tab order.
function redraw(row, segment, index, key) {
  const fresh = segmentRow(segment, index, key);
  fresh.tabIndex = row.tabIndex;
  row.replaceWith(fresh);
}

// A line as a row; its number, start, speaker and version are on the row (data-*) too.
// `key` (rowKey) says what it was drawn from, for the next redraw to compare.
function segmentRow(segment, index, key) {
  const select = el("select", { class: "who", "aria-label": T.speaker_of_line },
    state.doc.speakers.map((s) => el("option", { value: s.id, selected: s.id === segment.speaker },
                                     speakerLabel(s))));
  if (!segment.speaker) select.prepend(el("option", { value: "", selected: true }, "–"));
  select.addEventListener("change", () => save(segment, { speaker: select.value }));
  const item = el("li", {
    class: "seg", tabindex: index === Math.max(state.currentIndex, 0) ? "0" : "-1",
    style: "--hue:" + hue(segment.speaker),
    dataset: { id: segment.id, index, start: segment.start, end: segment.end,
               speaker: segment.speaker || "", version: segment.version },
  },
    el("button", { type: "button", class: "time", title: T.play_from + " (#" + segment.id + ")",
                   onclick: () => seek(index, true) }, clock(segment.start),
       el("span", { class: "number" }, "#" + segment.id)),
    select,
    segment.gap  // speech heard but not made out: said so, for the clerk to listen to
      ? el("p", { class: "text gap" },
           fill(T.gap_line, { from: clock(segment.start), to: clock(segment.end) }))
      : el("p", { class: "text" }, segmentText(segment)),
    el("button", { type: "button", class: "edit link", onclick: () => edit(index) }, T.edit));
  item.addEventListener("click", (event) => {
    if (event.target.closest("select, button, textarea")) return;
    seek(index, true);
  });
  item.addEventListener("dblclick", (event) => {
    if (!event.target.closest("select, button, textarea")) edit(index);
  });
  item.drawnAs = key;
  return item;
}

export function rowAt(index) {
  return document.querySelector('#segments .seg[data-index="' + index + '"]');
}

export function indexOf(number) {
  return state.doc.segments.findIndex((s) => s.id === number);
}

export function seek(index, play) {
  const segment = state.doc.segments[index];
  if (!segment) return;
  player.currentTime = segment.start;
  highlight(index, false);
  focusRow(index);
  if (play) player.play().catch(() => {});
}

export function focusRow(index) {
  const row = rowAt(index);
  if (!row) return;
  for (const other of document.querySelectorAll("#segments .seg[tabindex='0']")) {
    other.tabIndex = -1;
  }
  row.tabIndex = 0;
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
}

function highlight(index, scroll) {
  const previous = document.querySelector("#segments .seg.current");
  if (previous) previous.classList.remove("current");
  state.currentIndex = index;
  const row = rowAt(index);
  if (!row) return;
  row.classList.add("current");
  if (scroll) row.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

// the line being played: the last one that starts at or before the player's time
player.addEventListener("timeupdate", () => {
  const time = player.currentTime + 0.05;
  let low = 0, high = starts.length - 1, found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (starts[mid] <= time) { found = mid; low = mid + 1; } else { high = mid - 1; }
  }
  if (found !== state.currentIndex) {
    highlight(found, !player.paused && state.editing === null);
  }
});

// Keyboard: the page is usable without a mouse (j/k or the arrows move, e edits, space or p
// plays).
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]") || event.altKey ||
      event.ctrlKey || event.metaKey || !state.doc) return;
  const focused = target.closest ? target.closest("#segments .seg") : null;
  const current = state.currentIndex;
  const index = focused ? Number(focused.dataset.index) : Math.max(current, 0);
  const key = event.key;
  if (key === " " && target.closest("button, a, summary")) return; // their own action
  if (key === " " || key === "p" || key === "P") {
    event.preventDefault();
    if (player.paused) player.play().catch(() => {}); else player.pause();
  } else if (key === "j" || key === "J" || key === "ArrowDown") {
    event.preventDefault();
    seek(Math.min(index + (focused || current >= 0 ? 1 : 0), state.doc.segments.length - 1),
         false);
  } else if (key === "k" || key === "K" || key === "ArrowUp") {
    event.preventDefault();
    seek(Math.max(index - 1, 0), false);
  } else if ((key === "Enter" && focused && target === focused) || key === "e" || key === "E") {
    event.preventDefault();
    edit(index);
  }
});
