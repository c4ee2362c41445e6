// The meeting page: a player synced to the transcript (speed, skip keys that work while
// typing, pause while typing), inline edits and line surgery (merge, split, delete, insert),
// speakers (rename, add, merge, a range of lines), find and replace, the meeting's facts,
// the minutes with editable decisions and action items, the council's record (会議録:
// proceedings and the record's details), marks (取消し, 秘密会, 個人情報) and their
// suggestions, the workflow's state and steps, downloads (official or public copy),
// history with undo.
// Changes made in another window arrive by server-sent events and are drawn here.
//
// One module per subject, loaded as ES modules (no bundler): page (shared state), sync (the
// document and the server), transcript, editor, player, speakers, minutes, find, facts,
// council, marks, workflow, history, actions. Each module wires its own controls when it
// loads; this one starts.
import { showError } from "../common.js";
import "./actions.js";
import "./find.js";
import "./player.js";
import { load, watchChanges } from "./sync.js";
import { indexOf, seek } from "./transcript.js";

// "#line-12" (a search result's link): that line, its audio ready to play from its start
function goToLine() {
  const asked = /^#line-(\d+)$/.exec(location.hash);
  const index = asked ? indexOf(Number(asked[1])) : -1;
  if (index >= 0) seek(index, false);
}

load().then(goToLine).then(watchChanges).catch(showError);
