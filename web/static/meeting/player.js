// The player: speed, skip back and forward, pause while typing, resume a little earlier,
// keys that work everywhere; the settings are kept in the browser.
import { player } from "./page.js";

const SETTINGS_KEY = "gijiroku.player";
const settings = { speed: "1", skip: 3, pauseTyping: false, rewind: 2,
  ...JSON.parse(localStorage.getItem(SETTINGS_KEY) || "{}") };
const controls = {
  speed: document.getElementById("speed"), skip: document.getElementById("skip-seconds"),
  pauseTyping: document.getElementById("pause-typing"),
  rewind: document.getElementById("rewind-seconds"),
};
controls.speed.value = settings.speed;
controls.skip.value = settings.skip;
controls.pauseTyping.checked = settings.pauseTyping;
controls.rewind.value = settings.rewind;
player.playbackRate = Number(settings.speed);
player.defaultPlaybackRate = player.playbackRate;

function remember() {
  settings.speed = controls.speed.value;
  settings.skip = Math.min(60, Math.max(1, Number(controls.skip.value) || 3));
  settings.pauseTyping = controls.pauseTyping.checked;
  settings.rewind = Math.min(30, Math.max(0, Number(controls.rewind.value) || 0));
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  player.playbackRate = Number(settings.speed);
  player.defaultPlaybackRate = player.playbackRate;
}
for (const control of Object.values(controls)) control.addEventListener("change", remember);
// the audio element resets its rate when a new source loads
player.addEventListener("loadedmetadata", () => {
  player.playbackRate = Number(settings.speed);
});

function skip(direction) {
  const to = player.currentTime + direction * settings.skip;
  player.currentTime = Math.min(Math.max(to, 0), player.duration || to);
}
document.getElementById("skip-back").addEventListener("click", () => skip(-1));
document.getElementById("skip-forward").addEventListener("click", () => skip(1));

function playPause() {
  if (player.paused) resume(); else player.pause();
}

// Resuming goes back a little, so the words before the pause are heard again.
function resume() {
  if (settings.rewind) {
    player.currentTime = Math.max(0, player.currentTime - settings.rewind);
  }
  player.play().catch(() => {});
}

// While the clerk types in a line, playback waits; it goes on a moment after the typing stops.
let typingPause = null;
export function typing() {
  if (!settings.pauseTyping) return;
  if (!player.paused) {
    player.pause();
    typingPause = { at: Date.now() };
  }
  if (typingPause) {
    clearTimeout(typingPause.timer);
    typingPause.timer = setTimeout(() => { typingPause = null; resume(); }, 1500);
  }
}

// Keys that work everywhere, in a line being edited too: Ctrl+Space play/pause,
// Ctrl+← back, Ctrl+→ forward (taken before the text box sees them).
document.addEventListener("keydown", (event) => {
  if (!event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
  if (event.code === "Space" || event.key === " ") {
    event.preventDefault();
    if (typingPause) { clearTimeout(typingPause.timer); typingPause = null; }
    playPause();
  } else if (event.key === "ArrowLeft") {
    event.preventDefault();
    skip(-1);
  } else if (event.key === "ArrowRight") {
    event.preventDefault();
    skip(1);
  }
}, true);
