// The meeting list: upload with a progress bar (picker or drag-and-drop), search, paging,
// live status while jobs run, and watched-folder files that failed.
import {
  CSRF, T, api, clock, el, failureText, showError, statusText, toast, when,
} from "./common.js";

// workflow: a state of the workflow, or "mine" (the person's review queue: /?queue=mine)
const state = { q: "", workflow: "", page: 1, pages: 1, timer: null };
if (new URLSearchParams(location.search).get("queue") === "mine" && document.body.dataset.queue) {
  state.workflow = "mine";
  document.getElementById("state-filter").value = "mine";
}
const fileInput = document.getElementById("file");
const form = document.getElementById("upload-form");
const dropzone = document.getElementById("dropzone");

function chosen(file) {
  document.getElementById("file-name").textContent = file ? file.name : T.no_file;
}

fileInput.addEventListener("change", () => chosen(fileInput.files[0]));
for (const kind of ["dragenter", "dragover"]) {
  dropzone.addEventListener(kind, (event) => {
    event.preventDefault();
    dropzone.classList.add("over");
  });
}
for (const kind of ["dragleave", "drop"]) {
  dropzone.addEventListener(kind, () => dropzone.classList.remove("over"));
}
dropzone.addEventListener("drop", (event) => {
  event.preventDefault();
  if (event.dataTransfer.files.length) {
    fileInput.files = event.dataTransfer.files;
    chosen(fileInput.files[0]);
  }
});

// XMLHttpRequest, not fetch: only it reports how much of the body has been sent.
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const file = fileInput.files[0];
  if (!file) {
    toast(T.no_file, "error");
    fileInput.focus();
    return;
  }
  const data = new FormData();
  data.append("file", file, file.name);
  for (const name of ["title", "date", "place", "language", "num_speakers"]) {
    const value = form.elements[name].value.trim();
    if (value && value !== "auto") data.append(name, value);
  }
  const bar = document.getElementById("upload-bar");
  const text = document.getElementById("upload-text");
  const button = document.getElementById("upload-button");
  document.getElementById("upload-progress").hidden = false;
  button.disabled = true;
  bar.value = 0;
  text.textContent = T.uploading;
  const request = new XMLHttpRequest();
  request.open("POST", "/api/meetings");
  request.setRequestHeader("X-CSRF-Token", CSRF);
  request.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) {
      bar.value = Math.round((e.loaded / e.total) * 100);
      text.textContent = T.uploading + " " + bar.value + "%";
    }
  });
  request.addEventListener("loadend", () => {
    button.disabled = false;
    let body = null;
    try { body = JSON.parse(request.responseText); } catch { body = null; }
    if (request.status === 201) {
      bar.value = 100;
      text.textContent = T.uploaded;
      form.reset();
      chosen(null);
      state.page = 1;
      refresh();
    } else {
      const message = (body && body.error && body.error.message) || request.statusText || "network";
      text.textContent = T.upload_failed + ": " + message;
      toast(T.upload_failed + ": " + message, "error");
    }
  });
  request.send(data);
});

document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.q = document.getElementById("q").value.trim();
  state.page = 1;
  refresh();
});
// the person's review queue (an editor's drafts, an approver's meetings in review) and the
// states of the workflow
document.getElementById("state-filter").addEventListener("change", (event) => {
  state.workflow = event.target.value;
  state.page = 1;
  history.replaceState(null, "", state.workflow === "mine" ? "/?queue=mine" : "/");
  refresh();
});

function heading() {
  const queue = document.body.dataset.queue; // draft (an editor's) or review (an approver's)
  return state.workflow === "mine" ? T[queue === "draft" ? "queue_editor" : "queue_approver"]
    : T.meetings;
}

// The meeting's state of the workflow and its latest step: who, when, why
// (「差し戻し　鈴木　12/7 10:00：数字を確認してください」).
function workflowCell(item) {
  const badge = el("span", { class: "badge small", dataset: { state: item.state } },
    T["state_" + item.state] || item.state);
  const step = item.last_step;
  if (!step) return [badge];
  const back = step.to === "draft" || (step.to === "review" && step.from !== "draft");
  const said = [back ? T.sent_back : "", step.by || "", when(step.at)].filter(Boolean).join(" ");
  return [badge, el("div", { class: "small muted step" },
    said + (step.comment ? "：" + step.comment : ""))];
}
document.getElementById("prev").addEventListener("click", () => { state.page--; refresh(); });
document.getElementById("next").addEventListener("click", () => { state.page++; refresh(); });

function row(item) {
  const job = item.job;
  const active = job && (job.status === "queued" || job.status === "running");
  const status = el("td", { class: "status status-" + (job ? job.status : item.status) },
    statusText(job, item.status));
  if (active) {
    status.append(el("progress", { max: "1", value: String(job.progress),
                                   "aria-label": T.processing }));
  }
  if (job && job.status === "failed") {
    status.append(el("div", { class: "small error" }, failureText(job)));
  }
  return el("tr", { dataset: { id: item.id, state: item.state } },
    el("td", {}, el("a", { href: "/meetings/" + encodeURIComponent(item.id) }, item.title),
       " ", ...workflowCell(item)),
    el("td", {}, when(item.created_at)),
    el("td", {}, item.duration ? clock(item.duration) : "–"),
    status);
}

async function refresh() {
  clearTimeout(state.timer);
  let active = false;
  try {
    const params = new URLSearchParams({ page: String(state.page) });
    if (state.q) params.set("q", state.q);
    if (state.workflow === "mine") params.set("queue", "mine");
    else if (state.workflow) params.set("state", state.workflow);
    const data = await api("GET", "/api/meetings?" + params);
    state.pages = data.pages;
    document.getElementById("meetings").replaceChildren(...data.items.map(row));
    const empty = document.getElementById("empty");
    empty.hidden = data.items.length > 0;
    empty.textContent = state.workflow === "mine" && !state.q ? T.queue_empty
      : state.q || state.workflow ? T.no_results : T.no_meetings;
    document.getElementById("list-heading").textContent = heading();
    const pager = document.getElementById("pager");
    pager.hidden = data.pages <= 1;
    document.getElementById("page-text").textContent =
      T.page + " " + data.page + " " + T.of + " " + data.pages;
    document.getElementById("prev").disabled = data.page <= 1;
    document.getElementById("next").disabled = data.page >= data.pages;
    active = data.items.some((i) => i.job && ["queued", "running"].includes(i.job.status));
    await watched();
  } catch (error) {
    showError(error);
  }
  // quick while something runs; slower otherwise, to see files the watched folder brings
  state.timer = setTimeout(refresh, active ? 1500 : 10000);
}

async function watched() {
  if (document.body.dataset.role !== "admin") return; // (the watched folder is the admins')
  const problems = await api("GET", "/api/watched?status=failed&status=waiting");
  const box = document.getElementById("watched");
  box.hidden = problems.length === 0;
  document.getElementById("watched-list").replaceChildren(...problems.map((f) =>
    el("li", { "data-status": f.status }, el("strong", {}, f.name),
       " (" + (f.status === "waiting" ? T.watched_waiting + ", " : "") + when(f.created_at) +
       "): " + failureText(f))));
}

refresh();
