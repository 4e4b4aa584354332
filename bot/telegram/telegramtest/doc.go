// Package telegramtest runs an in-process fake of the Telegram Bot API for
// tests that drive a real client, such as github.com/go-telegram/bot, through
// its own HTTP and JSON code.
//
// A Server answers POST (and GET) requests on /bot<TOKEN>/<method> with the
// Bot API envelope, {"ok":true,"result":...} or {"ok":false,"error_code":...},
// and accepts parameters as JSON, multipart/form-data (which go-telegram/bot
// uses for every call), URL-encoded forms or a query string. It implements a
// small set of methods faithfully enough to catch adapter bugs:
//
//   - getUpdates is a real long poll that honours offset, limit, timeout and
//     allowed_updates, confirms and forgets updates below the offset, and
//     terminates a competing poll with 409 Conflict;
//   - sendMessage, sendDocument, sendPhoto, editMessageText,
//     editMessageReplyMarkup, deleteMessage and sendChatAction check the
//     target chat (blocked user, kicked bot, migrated group), check HTML and
//     MarkdownV2 markup, enforce the 4096 and 1024 character limits and
//     reject edits that change nothing, with Telegram's descriptions;
//   - answerCallbackQuery accepts each query produced by PressButton once;
//   - getMe, deleteWebhook, setMyCommands, getMyCommands and deleteMyCommands.
//
// Any other method answers 404 "Not Found: method not found", so that a
// missing feature is visible rather than silently faked.
//
// Tests play the users: SendText, Reply, PressButton, MigrateChat,
// MyChatMember and Enqueue queue updates as Telegram would build them, and
// Redeliver queues an already delivered update again. They then wait for the
// bot's reaction with WaitFor or WaitForMessage, which block until the state
// changes, never by sleeping, and assert on what the server recorded: Sent,
// Message, History, Commands, CallbackAnswers, Calls. FailNext, FailNextWith
// and BlockUser inject the errors Telegram returns.
//
// The fake does not implement webhooks, inline mode, payments, files
// downloads (getFile), media groups, forum topics, business connections,
// rate limiting of its own, or membership: the bot may write to any chat ID
// (negative IDs are groups, -100... IDs supergroups) unless a test blocked,
// removed or migrated it, and injected messages reach the bot whatever its
// status. Markup is checked for well-formedness only; the
// entities Telegram would compute from it are not returned.
package telegramtest
