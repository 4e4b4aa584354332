package bot

import "maps"

// Words only a platform adapter shows, kept with the others so that every
// text has its French and English in one catalogue: key → {French, English}.
func init() {
	maps.Copy(catalog, map[string][2]string{
		"private.offer":         {"Ouvrez notre conversation privée pour voir ceci", "Open our private chat to see this"},
		"button.open_chat":      {"Ouvrir la conversation", "Open the chat"},
		"idea_form.title":       {"Nouvelle idée", "New idea"},
		"idea_form.label":       {"Votre idée", "Your idea"},
		"idea_form.placeholder": {"Une proposition concrète, en quelques phrases.", "A concrete proposal, in a few sentences."},
	})
}
