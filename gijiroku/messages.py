"""The one catalogue of what every error the service can send says, by error code, in Japanese
and English: the API's error bodies, a failed job's reason on the meeting page and in the list.

English answers keep the raising site's own message (it names the value at fault); Japanese
answers use the catalogue's sentence, filled with the error's `params` where the sentence
names them ({field}, {value}, {limit}...). A code whose sentence needs a value the error did
not carry falls back to its class's plain sentence, never to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("ja", "en")

#: code -> {"ja": ..., "en": ...}. The English text is used when the raising site gave none
#: (a job's stored failure seen in the list, a code without a message).
CATALOGUE: dict[str, dict[str, str]] = {
    "error": {"ja": "処理中にエラーが発生しました。",
              "en": "Something went wrong."},
    "config_invalid": {"ja": "設定に誤りがあります。管理者に連絡してください。",
                       "en": "The service's settings are invalid; tell the administrator."},
    "invalid_input": {"ja": "入力された値を使えません。",
                      "en": "A value given cannot be used."},
    "invalid_date": {"ja": "「{field}」の日付「{value}」は正しくありません。存在する日付を"
                           "YYYY-MM-DD の形で入力してください。",
                     "en": "{field}: {value} is not a date; write an existing date as "
                           "YYYY-MM-DD."},
    "invalid_kind": {"ja": "会議の種類「{value}」は指定できません。honkaigi（本会議）、iinkai"
                           "（委員会）、other（その他）のいずれかを指定してください。",
                     "en": "{value} is not a kind of meeting: use honkaigi, iinkai or other."},
    "invalid_time": {"ja": "「{field}」の時刻「{value}」は正しくありません。HH:MM の形で"
                           "入力してください。",
                     "en": "{field}: {value} is not a time of day; write it as HH:MM."},
    "invalid_seat": {"ja": "議席番号「{value}」は正しくありません。数字で入力してください。",
                     "en": "Seat {value} is not a seat number."},
    "name_missing": {"ja": "氏名を入力してください。",
                     "en": "A person needs a name."},
    "csv_empty": {"ja": "CSV ファイルが空です。",
                  "en": "The CSV file is empty."},
    "csv_no_name_column": {"ja": "CSV ファイルの1行目に列の名前（name または 氏名 など）が"
                                 "必要です。",
                           "en": "The CSV file's first row must name its columns, one of "
                                 "them name (or 氏名)."},
    "csv_row_invalid": {"ja": "CSV ファイルの {row} 行目を読み込めません。何も取り込んでいません。",
                        "en": "Row {row} of the CSV file cannot be used; nothing was imported."},
    "csv_encoding": {"ja": "CSV ファイルの文字コードを読めません。UTF-8 か Shift_JIS で保存して"
                           "ください。",
                     "en": "The CSV file is neither UTF-8 nor Shift_JIS text."},
    "csv_unreadable": {"ja": "CSV ファイルを読めません。",
                       "en": "The CSV file cannot be read."},
    "invalid_layout": {"ja": "会議録の体裁は Word（docx）、PDF、Markdown（md）で出力できます。",
                       "en": "The 会議録 layout is made as docx, pdf or md."},
    "forbidden": {"ja": "この操作はあなたの役割では行えません。",
                  "en": "Your role does not allow this."},
    "meeting_locked": {"ja": "この会議は承認済みのため変更できません。変更するには、理由を添えて"
                             "差し戻してください。",
                       "en": "This meeting is approved and read-only; reopen it, with a "
                             "reason, to change it."},
    "reason_required": {"ja": "承認済みの会議を差し戻すには理由が必要です。",
                        "en": "Reopening an approved meeting needs a reason."},
    "invalid_state": {"ja": "状態は draft（下書き）、review（校正中）、approved（承認済）、"
                            "published（公開）のいずれかです。",
                      "en": "state is draft, review, approved or published."},
    "invalid_step": {"ja": "この会議の今の状態からは、その状態へ移せません。",
                     "en": "The meeting cannot go to that state from the one it is in."},
    "invalid_role": {"ja": "役割は viewer、editor、approver、admin のいずれかです。",
                     "en": "role is viewer, editor, approver or admin."},
    "user_exists": {"ja": "その名前のユーザーはすでにいます。",
                    "en": "There is a user of that name already."},
    "user_not_found": {"ja": "そのユーザーはいません。",
                       "en": "No such user."},
    "group_not_found": {"ja": "そのグループはありません。",
                        "en": "No such group."},
    "group_exists": {"ja": "その名前のグループはすでにあります。",
                     "en": "There is a group of that name already."},
    "search_empty": {"ja": "探す語がありません（除く語だけ、または記号だけです）。",
                     "en": "The search has no word to look for (only excluded ones, or none)."},
    "llm_off": {"ja": "質問に答えるには議事録の言語モデルが必要です"
                      "（GIJIROKU_LLM_BACKEND が off です）。",
                "en": "Questions need the minutes model: GIJIROKU_LLM_BACKEND is off."},
    "password_too_short": {"ja": "パスワードは {limit} 文字以上にしてください。",
                           "en": "A password has at least {limit} characters."},
    "invalid_mark": {"ja": "印の範囲または種類が正しくありません（{field}）。",
                     "en": "The mark's place or kind is not valid ({field})."},
    "invalid_copy": {"ja": "写しは official（原本）か public（公開用）を指定してください。",
                     "en": "copy is official or public."},
    "mark_not_found": {"ja": "この印は見つかりません。外されたか、元に戻された可能性が"
                             "あります。",
                       "en": "No such mark; it may have been removed or undone."},
    "suggestion_not_found": {"ja": "この候補は見つかりません。発言が変わった可能性があります。"
                                   "候補を表示し直してください。",
                             "en": "No such suggestion; its line may have changed. List the "
                                   "suggestions again."},
    "no_such_line": {"ja": "この会議に発言 #{value} はありません。",
                     "en": "This meeting has no line {value}."},
    "invalid_language": {"ja": "言語「{value}」は文字起こしモデルが扱えません。ja（日本語）、"
                               "en（英語）などを指定してください。",
                         "en": "{value} is not a language the speech model knows; use ja, "
                               "en..."},
    "invalid_citation": {"ja": "根拠の発言番号 {value} はこの会議にありません。",
                         "en": "Line {value} does not exist in this meeting."},
    "text_too_long": {"ja": "「{field}」は{limit}文字以内で入力してください。",
                      "en": "{field} is longer than {limit} characters."},
    "text_empty": {"ja": "「{field}」を入力してください。",
                   "en": "{field} cannot be empty."},
    "invalid_request": {"ja": "入力内容に誤りがあります（{fields}）。",
                        "en": "The request is not valid ({fields})."},
    "upload_invalid": {"ja": "アップロードを受け付けられません。録音ファイルを1つ選んで"
                             "送ってください。",
                       "en": "The upload cannot be taken; send one recording."},
    "upload_too_large": {"ja": "ファイルが大きすぎます（上限 {limit_mb} MB）。分割するか、"
                               "管理者に上限の変更を依頼してください。",
                         "en": "The recording is larger than the limit of {limit_mb} MB."},
    "audio_error": {"ja": "録音を読み込めません。",
                    "en": "The recording cannot be read."},
    "audio_not_found": {"ja": "録音ファイルが見つかりません。",
                        "en": "The recording file is missing."},
    "audio_empty": {"ja": "空のファイルです（0 バイト）。録音ファイルを選び直してください。",
                    "en": "The file is empty (0 bytes)."},
    "audio_no_stream": {"ja": "このファイルには音声が含まれていません。",
                        "en": "The file holds no audio."},
    "audio_undecodable": {"ja": "音声として読み取れないファイルです。壊れていないか、音声・"
                                "動画のファイルかを確認してください。",
                          "en": "The file cannot be decoded as audio or video."},
    "internal_error": {"ja": "サーバーで問題が起きました。管理者に連絡してください（詳細は"
                             "サーバーのログにあります）。",
                       "en": "Something went wrong on the server; its log says what."},
    "text_has_line_break": {"ja": "「{field}」は改行を含めず 1 行で入力してください。",
                            "en": "{field} must be one line."},
    "body_too_large": {"ja": "送信された内容が大きすぎます（上限 {limit} バイト）。",
                       "en": "The request body is too long for this address ({limit} bytes "
                             "at most)."},
    "audio_references_files": {"ja": "ほかのファイルを参照する形式（プレイリストなど）は"
                                     "取り込めません。録音ファイルそのものを選んでください。",
                               "en": "Playlists and other files that point to other files "
                                     "cannot be taken in; give the recording itself."},
    "audio_zero_duration": {"ja": "録音の長さが 0 秒です。",
                            "en": "The recording lasts zero seconds."},
    "recording_too_long": {"ja": "録音が長すぎるため受け付けられません。上限は管理者が設定して"
                                 "います。",
                           "en": "The recording is longer than allowed."},
    "folder_settings_invalid": {"ja": "録音のあるフォルダの設定ファイル（gijiroku.toml）に"
                                      "誤りがあるため、取り込みを待っています。直すと自動で"
                                      "取り込まれます。",
                                "en": "A settings file (gijiroku.toml) of the recording's "
                                      "folders cannot be used; the recording is taken once it "
                                      "is mended."},
    "recording_incomplete": {"ja": "録音ファイルが途中までしかありません。コピーが終わるのを"
                                   "待っています。",
                             "en": "The recording is not complete yet; waiting for the copy "
                                   "to finish."},
    "disk_full": {"ja": "ディスクの空き容量が足りません。管理者に連絡してください。",
                  "en": "There is not enough free disk space."},
    "ffmpeg_not_found": {"ja": "音声の変換に使う ffmpeg がありません。管理者に連絡して"
                               "ください。",
                         "en": "ffmpeg, which decodes recordings, is missing."},
    "model_error": {"ja": "音声認識・話者識別のモデルを使えません。管理者に連絡してください。",
                    "en": "A speech model cannot be used."},
    "model_not_found": {"ja": "設定されたモデルがこのサーバーにありません。管理者に連絡して"
                              "ください。",
                        "en": "A configured model is not on this machine."},
    "language_unsupported": {"ja": "指定された言語は音声認識モデルが扱えません。",
                             "en": "The speech model cannot transcribe that language."},
    "not_found": {"ja": "見つかりません。",
                  "en": "Not found."},
    "line_not_found": {"ja": "発言 #{value} はこの会議にありません。",
                       "en": "Line {value} does not exist in this meeting."},
    "item_not_found": {"ja": "この決定事項・今後の対応は見つかりません。議事録が作り直されたか、"
                             "削除された可能性があります。",
                       "en": "No such decision or action item; the minutes may have been "
                             "written again, or it was deleted."},
    "version_missing": {"ja": "変更のもとにした版（version）が送られていません。画面を開き"
                              "直してから保存してください。",
                        "en": "Send the version the change was made on; reload and save "
                              "again."},
    "meeting_not_found": {"ja": "この会議は見つかりません。削除された可能性があります。",
                          "en": "No such meeting; it may have been deleted."},
    "job_not_found": {"ja": "この処理は見つかりません。",
                      "en": "No such job."},
    "invalid_edit": {"ja": "この修正はできません。",
                     "en": "This edit cannot be made."},
    "edit_conflict": {"ja": "その後に別の変更があったため、この操作はできません。後の変更を"
                            "先に元に戻してください。",
                      "en": "This was changed again since; undo the later change first."},
    "stale_version": {"ja": "ほかの人が先に変更しています。最新の内容を確認してから保存し"
                            "直してください。",
                      "en": "Someone else changed this first; compare with the current text "
                            "and save again."},
    "stage_failed": {"ja": "処理の途中で失敗しました。",
                     "en": "A processing step failed."},
    "job_error": {"ja": "処理を続けられません。",
                  "en": "The job cannot go on."},
    "job_cancelled": {"ja": "処理は取り消されました。",
                      "en": "The job was cancelled."},
    "job_interrupted": {"ja": "処理が中断されました。自動的にやり直します。",
                        "en": "The job was interrupted; it runs again."},
    "job_abandoned": {"ja": "処理中に何度もサーバーが止まったため、中止しました。",
                      "en": "Workers stopped on this job too often; it was given up."},
    "job_not_claimable": {"ja": "この処理は既に実行中か、終わっています。",
                          "en": "The job is not waiting (taken, finished or cancelled)."},
    "nothing_to_retry": {"ja": "やり直す処理はありません（失敗・取消した処理だけをやり直せ"
                               "ます）。",
                         "en": "There is nothing to retry: only a failed or cancelled job "
                               "can be."},
    "llm_error": {"ja": "議事要旨の作成に失敗しました。",
                  "en": "The minutes could not be written."},
    "llm_timeout": {"ja": "議事要旨を作成する言語モデルが時間内に応答しませんでした。",
                    "en": "The language model did not answer in time."},
    "llm_unavailable": {"ja": "議事要旨を作成する言語モデルに接続できません。",
                        "en": "The language model cannot be reached."},
    "llm_invalid_output": {"ja": "言語モデルの出力が正しい形式ではありませんでした。",
                           "en": "The language model's answer was not usable."},
    # the HTTP layer and the guard in front of it (api.app, api.security)
    "method_not_allowed": {"ja": "この操作はできません。",
                           "en": "Method not allowed."},
    "range_not_satisfiable": {"ja": "録音のその位置は読み込めません。",
                              "en": "That part of the recording cannot be read."},
    "http_error": {"ja": "要求を処理できませんでした。",
                   "en": "The request could not be handled."},
    "database_unavailable": {"ja": "データベースに接続できません。管理者に連絡してください。",
                             "en": "The database cannot be reached."},
    "untrusted_host": {"ja": "このアドレスからは利用できません。管理者に連絡してください。",
                       "en": "This host name is not served."},
    "cross_site_request": {"ja": "別のサイトからの操作は受け付けません。",
                           "en": "Requests from other sites are refused."},
    "csrf_failed": {"ja": "ページの有効期限が切れました。再読み込みしてからやり直してください。",
                    "en": "The page is out of date; reload it and try again."},
    "unauthorized": {"ja": "ログインしてください。",
                     "en": "Log in first."},
    "login_required": {"ja": "ログインしてください。",
                       "en": "Log in first."},
    "too_many_attempts": {"ja": "誤ったトークンが続けて送られたため、しばらく受け付けません。"
                                "{seconds}秒後に再度お試しください。",
                          "en": "Too many wrong tokens: try again in {seconds} s."},
}


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        raise KeyError(key)


def message(code: str, language: str, english: str | None = None,
            params: Mapping[str, Any] | None = None, fallback: str = "error") -> str:
    """What error `code` says in `language`: English keeps `english` when given."""
    if language != "ja" and english:
        return english
    entry = CATALOGUE.get(code) or CATALOGUE.get(fallback) or CATALOGUE["error"]
    text = entry["ja" if language == "ja" else "en"]
    try:
        return text.format_map(_Missing(params or {}))
    except (KeyError, IndexError, ValueError):
        plain = CATALOGUE.get(fallback) or CATALOGUE["error"]
        return english if language != "ja" and english else plain[
            "ja" if language == "ja" else "en"]


def catalogue(language: str) -> dict[str, str]:
    """Every code's sentence in one language (for the pages, which show stored failures)."""
    key = "ja" if language == "ja" else "en"
    return {code: entry[key] for code, entry in CATALOGUE.items()}


__all__ = ["CATALOGUE", "LANGUAGES", "catalogue", "message"]
