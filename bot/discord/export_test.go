package discord

import "atelier/bot"

// SetHook makes a run fn before the bot handles each event; call it
// before Run.
func SetHook(a *Adapter, fn func(bot.Event)) { a.hook = fn }
