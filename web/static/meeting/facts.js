// The meeting's facts: the heading (title, state, date, place, length, language) and the
// form for the title, date, place, agenda items and summary.
import {
  T, api, clock, failureText, harmless, showError, statusText, toast,
} from "../common.js";
import { BASE, state } from "./page.js";
import { render } from "./sync.js";

export function renderHeading() {
  const doc = state.doc;
  document.getElementById("title").textContent = harmless(doc.title);
  document.title = doc.title + " · " + T.app_name;
  const meta = [statusText(doc.job, doc.status)];
  if (doc.date) meta.push(doc.date);
  if (doc.place) meta.push(doc.place);
  if (doc.duration) meta.push(clock(doc.duration));
  if (doc.language) meta.push(T["lang_" + doc.language] || doc.language);
  document.getElementById("meta").textContent = harmless(meta.join(" · "));
  const failed = doc.job && ["failed", "cancelled"].includes(doc.job.status);
  document.getElementById("failure").hidden = !failed;
  if (failed) document.getElementById("failure-text").textContent = failureText(doc.job);
}

export function renderFacts() {
  const form = document.getElementById("facts");
  if (form.contains(document.activeElement)) return; // being typed in
  const doc = state.doc;
  const minutes = doc.minutes || {};
  document.getElementById("fact-title").value = doc.title;
  document.getElementById("fact-date").value = doc.date || "";
  document.getElementById("fact-place").value = doc.place || "";
  document.getElementById("fact-kind").value = doc.kind || "";
  document.getElementById("fact-start-time").value = doc.start_time || "";
  document.getElementById("fact-agenda").value = (minutes.topics || []).join("\n");
  document.getElementById("fact-summary").value = minutes.summary || "";
}

document.getElementById("facts").addEventListener("submit", async (event) => {
  event.preventDefault();
  state.ownChange = Date.now();
  try {
    state.doc = await api("PATCH", BASE, {
      title: document.getElementById("fact-title").value,
      date: document.getElementById("fact-date").value,
      place: document.getElementById("fact-place").value,
      kind: document.getElementById("fact-kind").value,
      start_time: document.getElementById("fact-start-time").value,
      agenda: document.getElementById("fact-agenda").value.split("\n"),
      summary: document.getElementById("fact-summary").value,
    });
    document.activeElement.blur();
    render();
    toast(T.saved);
  } catch (error) { showError(error); }
});
