package discord

import "atelier/bot"

// SetHook makes a run fn before the bot handles each event; call it
// before Run.
func SetHook(a *Adapter, fn func(bot.Event)) { a.hook = fn }

// SetSlots bounds the interactions handled at once to n; call it before
// Run.
func SetSlots(a *Adapter, n int) { a.slots = make(chan struct{}, n) }
