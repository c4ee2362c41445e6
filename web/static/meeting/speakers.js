// Speakers: the list with their names (rename, or merge into the speaker already so named),
// adding one, merging two, giving a range of lines to one. A name from the roster (名簿)
// confirms the speaker as that person (the voice is kept as a voiceprint); a speaker whose
// voice matched someone's voiceprint shows the suggestion, confirmed with one click.
import { T, api, el, fill } from "../common.js";
import { renderMinutes } from "./minutes.js";
import { BASE, NAME_LIMIT, state } from "./page.js";
import { change, surgery } from "./sync.js";
import { renderSegments } from "./transcript.js";

export function speakerName(id) {
  const speaker = state.doc.speakers.find((s) => s.id === id);
  return speaker ? speakerLabel(speaker) : "";
}

// A speaker as people read it: the name given, else 話者2 / Speaker 2, as the history and the
// exports say it (gijiroku/edits/history.py speaker_label); the chip keeps the short id S2.
export function speakerLabel(speaker) {
  if (speaker.name) return speaker.name;
  const number = /^S\d+$/.test(speaker.id) ? speaker.id.slice(1) : speaker.id;
  return fill(T.unnamed_speaker, { n: number });
}

export function hue(id) {
  const index = state.doc.speakers.findIndex((s) => s.id === id);
  return index < 0 ? 0 : (index * 137) % 360;
}

// The roster's people, for the names offered while typing and to know a roster name.
let people = [];
let peopleAsked = null;
function loadPeople() {
  peopleAsked = peopleAsked || api("GET", "/api/roster").then((listed) => {
    people = listed;
    document.getElementById("roster-people").replaceChildren(
      ...listed.map((p) => el("option", { value: p.name }, p.title || "")));
  }).catch(() => { peopleAsked = null; });
  return peopleAsked;
}

const bare = (name) => name.normalize("NFKC").replace(/\s+/g, "");
function rosterPerson(name) {
  return people.find((p) => bare(p.name) === bare(name));
}

async function confirmPerson(speaker, name) {
  const path = BASE + "/speakers/" + encodeURIComponent(speaker.id) + "/person";
  const done = await change("POST", path, { name },
                            (answer) => { state.doc.speakers = answer.speakers; });
  redrawNames();
  if (done) loadPeople();
  return done;
}

function redrawNames() {
  renderSpeakers();
  renderSpeakerTools();
  renderSegments(); // names show on every line and in the minutes
  renderMinutes();
}

function personNote(speaker) {
  if (speaker.confirmed && speaker.person) {
    const role = speaker.person.role;  // the server's rule (gijiroku.domain Person.role)
    return el("span", { class: "person-confirmed muted small", title: T.confirmed_person },
      "✓ " + (role ? role + " " : "") + T.confirmed_person);
  }
  if (!speaker.suggestion) return null;
  const score = Math.round(speaker.suggestion.score * 100);
  return el("span", { class: "person-suggestion small" },
    fill(T.suggested_person, { name: speaker.suggestion.person, score }), " ",
    el("button", {
      type: "button", class: "button secondary small", dataset: { confirm: speaker.id },
      onclick: () => confirmPerson(speaker, speaker.suggestion.person),
    }, T.confirm_person));
}

export function renderSpeakers() {
  if (!peopleAsked) loadPeople();
  // a name being typed survives the redraw (another window's change, this page's own echo)
  // and is not sent by it: the box it moves out of says so, and only leaving the new box
  // (Enter, Tab, a click elsewhere) sends the name
  const active = document.activeElement;
  const typing = active && active.matches("#speakers input[data-speaker]")
    ? { speaker: active.dataset.speaker, value: active.value, from: active.selectionStart,
        to: active.selectionEnd }
    : null;
  if (typing) active.dataset.moved = "1";
  const speakers = state.doc.speakers;
  document.getElementById("speakers").replaceChildren(...speakers.map((speaker) => {
    const input = el("input", {
      type: "text", value: speaker.name || "", placeholder: speakerLabel({ id: speaker.id }),
      maxlength: NAME_LIMIT,
      "aria-label": speaker.id, dataset: { speaker: speaker.id },
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); input.blur(); }
      if (event.key === "Escape") { input.value = speaker.name || ""; input.blur(); }
    });
    input.addEventListener("blur", () => {
      if (input.dataset.moved) return; // redrawn while typed in: the new box has the typing
      if (input.value.trim() !== (speaker.name || "")) rename(speaker, input);
    });
    input.setAttribute("list", "roster-people");
    const note = personNote(speaker);
    return el("li", { class: "speaker", style: "--hue:" + hue(speaker.id) },
      el("span", { class: "chip", title: speaker.label }, speaker.id), input,
      ...(note ? [note] : []));
  }));
  const box = typing && [...document.querySelectorAll("#speakers input[data-speaker]")]
    .find((input) => input.dataset.speaker === typing.speaker);
  if (box) {
    box.value = typing.value;
    box.focus();
    box.setSelectionRange(typing.from, typing.to);
  }
}

async function rename(speaker, input) {
  // the name of another speaker: the same person, twice in the list; offer to merge
  const name = input.value.trim();
  const person = name && rosterPerson(name);
  if (person && !(speaker.confirmed && speaker.person && speaker.person.id === person.id)) {
    // a roster name: this speaker is that person (named, and the voice kept)
    if (!await confirmPerson(speaker, person.name)) input.value = speaker.name || "";
    return;
  }
  const other = name && state.doc.speakers.find((s) => s.id !== speaker.id && s.name === name);
  if (other && confirm(fill(T.same_name_merge, { name, other: other.id }))) {
    await surgery("POST", BASE + "/speakers/" + encodeURIComponent(speaker.id) + "/merge",
                  { into: other.id });
    return;
  }
  const path = BASE + "/speakers/" + encodeURIComponent(speaker.id);
  const named = await change("PATCH", path, { name: name || null },
                             (answer) => { state.doc.speakers = answer.speakers; });
  if (!named) input.value = speaker.name || "";
  redrawNames();
}

export function renderSpeakerTools() {
  const speakers = state.doc.speakers;
  const options = () => speakers.map(
    (s) => el("option", { value: s.id }, s.id + (s.name ? " " + s.name : "")));
  document.getElementById("merge-from").replaceChildren(...options());
  document.getElementById("merge-into").replaceChildren(...options());
  document.getElementById("range-speaker").replaceChildren(...options());
  if (speakers.length > 1) document.getElementById("merge-into").selectedIndex = 1;
}

document.getElementById("add-speaker").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = document.getElementById("new-speaker");
  if (await surgery("POST", BASE + "/speakers", { name: name.value.trim() || null })) {
    name.value = "";
  }
});

document.getElementById("merge-speakers").addEventListener("submit", async (event) => {
  event.preventDefault();
  const from = document.getElementById("merge-from").value;
  const into = document.getElementById("merge-into").value;
  const question = fill(T.confirm_merge_speakers,
                        { from: speakerName(from), into: speakerName(into) });
  if (!confirm(question)) return;
  await surgery("POST", BASE + "/speakers/" + encodeURIComponent(from) + "/merge", { into });
});

document.getElementById("speaker-range").addEventListener("submit", async (event) => {
  event.preventDefault();
  await surgery("POST", BASE + "/segments/speaker", {
    first: Number(document.getElementById("range-first").value),
    last: Number(document.getElementById("range-last").value),
    speaker: document.getElementById("range-speaker").value,
  });
});
