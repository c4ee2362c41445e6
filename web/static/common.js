// Shared by the pages (ES modules, loaded without a bundler): UI text, calls to the JSON API,
// small DOM and formatting helpers.
export const T = JSON.parse(document.getElementById("messages").textContent);
// What each error code says in the page's language (gijiroku.messages): stored failures
// carry a code and an English message, shown in the clerk's language by their code.
export const ERR = JSON.parse(document.getElementById("error-messages").textContent);
export const CSRF = document.querySelector('meta[name="csrf-token"]').content;
export const LANG = document.documentElement.lang;

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body || {}; // the whole answer: a stale save's carries the current object
  }
}

// One call to the API; changes carry the page's CSRF token. Answers the parsed JSON (or null).
export async function api(method, path, body, headers) {
  const options = {
    method, headers: { ...headers, "X-CSRF-Token": CSRF }, credentials: "same-origin",
  };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (response.status === 401) {
    location.href = "/login?next=" + encodeURIComponent(location.pathname);
    throw new ApiError(401, "unauthorized", T.login_title);
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const problem = (data && data.error) || {};
    throw new ApiError(response.status, problem.code || "http_error",
                       problem.message || response.statusText, data);
  }
  return data;
}

// Characters that reorder the text around them (U+202E shows "gnp.exe" as "exe.png"): the
// server drops them from what is typed; text stored before is shown without them too.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export function harmless(text) {
  return String(text).replace(BIDI_CONTROLS, "");
}

// el("li", {class: "x", onclick: f}, "text", child...): an element with attributes and children.
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "style") node.style.cssText = value; // (a style attribute breaks the CSP)
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : harmless(child));
  }
  return node;
}

export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return (h ? h + ":" + two(m) : String(m)) + ":" + two(r);
}

export function when(iso) {
  return new Date(iso).toLocaleString(LANG === "ja" ? "ja-JP" : "en-GB",
    { dateStyle: "medium", timeStyle: "short" });
}

export function statusText(job, status) {
  const state = job ? job.status : status;
  let text = T["status_" + state] || state;
  if (job && job.status === "running" && job.stage) {
    text += " · " + (T["stage_" + job.stage] || job.stage);
  }
  return text;
}

let toastTimer = null;
export function toast(message, kind) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = kind || "";
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 8000 : 2500);
}

// A failed job's reason in the page's language.
export function failureText(job) {
  return (job && (ERR[job.error_code] || job.error)) || ERR.error;
}

// "{n} found" with the values filled in.
export function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

export function showError(error) {
  toast(T.error + ": " + (error.message || error), "error");
}
