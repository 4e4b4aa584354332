package discord

import "atelier/bot"

// texts holds the few words only the Discord adapter shows: {French, English}.
var texts = map[string][2]string{
	"modal.title":       {"Nouvelle idée", "New idea"},
	"modal.label":       {"Votre idée", "Your idea"},
	"modal.placeholder": {"Une proposition concrète, en quelques phrases.", "A concrete proposal, in a few sentences."},
}

// local returns key in l.
func local(l bot.Lang, key string) string {
	t := texts[key]
	if l == bot.English {
		return t[1]
	}
	return t[0]
}
