// What is done to the meeting as a whole: downloads (official or public copy), re-running the minutes or the speakers,
// applying the dictionary, retrying a failed job, deleting the meeting; and the tabs of
// tablet widths.
import { T, api, el, showError, toast } from "../common.js";
import { refreshHistory } from "./history.js";
import { BASE, FORMATS, busy, state } from "./page.js";
import { follow, listen, load, stopListening } from "./sync.js";

export function renderActions() {
  // re-runs build on a finished transcript; a failed meeting without one is retried instead
  for (const id of ["rerun-minutes", "rerun-speakers", "apply-dictionary"]) {
    document.getElementById(id).disabled = !state.doc.segments.length || busy();
  }
}

// The download links are made once and only their addresses follow the choices: a link
// redrawn under the pointer (each time the meeting reloads) would swallow the clerk's click.
function exportLinks() {
  const transcript = document.getElementById("export-transcript").checked;
  const cleanup = document.getElementById("export-cleanup").value;
  const copy = document.getElementById("export-copy").value;
  const query = (fields) => BASE + "/export?" + new URLSearchParams({ ...fields, cleanup, copy });
  return [
    ...FORMATS.map((format) => ({
      href: query({ format, transcript: String(transcript) }), label: format.toUpperCase() })),
    ...["docx", "pdf"].map((format) => ({
      href: query({ format, layout: "kaigiroku" }), layout: "kaigiroku",
      label: T.kaigiroku_export + " " + format.toUpperCase() })),
  ];
}

function renderExports() {
  const box = document.getElementById("exports");
  const links = exportLinks();
  if (box.children.length === links.length) {
    links.forEach((link, i) => box.children[i].setAttribute("href", link.href));
    return;
  }
  box.replaceChildren(...links.map((link) => el("a", {
    class: "button secondary", href: link.href, download: "", "data-layout": link.layout },
    link.label)));
}
renderExports();
for (const id of ["export-transcript", "export-cleanup", "export-copy"]) {
  document.getElementById(id).addEventListener("change", renderExports);
}

document.getElementById("rerun-minutes").addEventListener("click", async () => {
  // items no person edited are replaced by the new minutes: ask before losing them
  const minutes = state.doc.minutes || {};
  const items = [...(minutes.decisions || []), ...(minutes.action_items || [])];
  const unedited = items.filter((item) => !item.edited).length;
  if (unedited && !confirm(T.rerun_minutes_confirm.replace("{unedited}", String(unedited))
                                                 .replace("{edited}",
                                                          String(items.length - unedited)))) {
    return;
  }
  try {
    follow(await api("POST", BASE + "/rerun", { stage: "minutes" }));
    toast(T.processing);
  } catch (error) { showError(error); }
});

document.getElementById("apply-dictionary").addEventListener("click", async () => {
  try {
    const { changes } = await api("POST", BASE + "/dictionary");
    toast(changes.length
      ? T.dictionary_applied + ": " + changes.map((c) => "#" + c.number).join(", ")
      : T.dictionary_nothing);
    await load();
    refreshHistory();
  } catch (error) { showError(error); }
});

document.getElementById("rerun-speakers").addEventListener("click", async () => {
  try {
    follow(await api("POST", BASE + "/rerun", { stage: "diarize" }));
    toast(T.processing);
  } catch (error) {
    if (error.code === "edit_conflict" && confirm(T.rerun_edits_confirm)) {
      try {
        follow(await api("POST", BASE + "/rerun", { stage: "diarize", replace_edits: true }));
      } catch (again) { showError(again); }
    } else { showError(error); }
  }
});

// A failed or cancelled job runs again from the step that failed.
document.getElementById("retry").addEventListener("click", async () => {
  try {
    const job = await api("POST", BASE + "/retry");
    state.doc.job = job;
    document.getElementById("failure").hidden = true;
    toast(T.retrying);
    follow(job);
  } catch (error) { showError(error); }
});

document.getElementById("delete-meeting").addEventListener("click", async () => {
  if (!confirm(T.confirm_delete)) return;
  await stopListening();
  try {
    await api("DELETE", BASE);
    location.href = "/";
  } catch (error) {
    showError(error);
    listen();
  }
});

// Tablet widths: the transcript and the side panels as tabs.
const grid = document.getElementById("grid");
for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
  tab.addEventListener("click", () => {
    grid.dataset.tab = tab.dataset.tab;
    for (const other of document.querySelectorAll(".tabs [role=tab]")) {
      other.setAttribute("aria-selected", String(other === tab));
    }
  });
}
