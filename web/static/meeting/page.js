// What every part of the meeting page shares: the meeting's address, the audio player, the
// document as last drawn, and the page's own state. The document and the state live here
// only; the other modules read and change them through `state`.

const root = document.getElementById("meeting");
export const ID = root.dataset.meetingId;
export const BASE = "/api/meetings/" + encodeURIComponent(ID);
export const FORMATS = root.dataset.formats ? root.dataset.formats.split(",") : [];
export const NAME_LIMIT = root.dataset.nameLimit; // (gijiroku/limits.py, as every field's)
export const player = document.getElementById("player");

export const state = {
  doc: null,         // the result document
  currentIndex: -1,  // the line being played
  editing: null,     // the id of the line whose text is being edited
  ownChange: 0,      // when this page last changed the meeting (its own echo is not news)
  stale: false,      // the meeting changed while a line or an item was being edited
};

// The document's job as the page shows it, also on the page's root element
// (data-job-id, data-job-status): what is running is part of what is on screen.
export function showJob(job) {
  root.dataset.jobId = job ? job.id : "";
  root.dataset.jobStatus = job ? job.status : "";
}

export function busy() {
  const job = state.doc && state.doc.job;
  return Boolean(job && (job.status === "queued" || job.status === "running"));
}

// A change from elsewhere that waits until the editing ends is said so under the heading.
export function setStale(value) {
  state.stale = value;
  document.getElementById("stale").hidden = !value;
}
