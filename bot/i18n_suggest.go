package bot

import "maps"

// Messages of near-duplicate checks, supports and grouping suggestions:
// key → {French, English}.
func init() {
	maps.Copy(catalog, map[string][2]string{
		"help.support":  {"<n> : soutenir l'idée d'un·e autre membre", "<n>: support another member's idea"},
		"help.suggest":  {"regroupements suggérés d'idées proches", "suggested groups of similar ideas"},
		"usage.support": {"Exemple : /soutenir 12 (le numéro de l'idée)", "Example: /support 12 (the idea's number)"},

		"near.title":  {"🔎 Votre idée ressemble à des idées déjà envoyées — elle n'est pas encore enregistrée :", "🔎 Your idea looks like ideas already sent — it is not recorded yet:"},
		"near.choose": {"Soutenez l'une d'elles plutôt que d'en ajouter une presque pareille, ou envoyez la vôtre quand même.", "Support one of them rather than adding a near copy, or send yours anyway."},

		"button.send_anyway":     {"Envoyer quand même", "Send anyway"},
		"button.support":         {"Soutenir n°%d plutôt", "Support #%d instead"},
		"button.suggest_create":  {"✅ Créer la proposition", "✅ Create proposal"},
		"button.suggest_dismiss": {"✖ Ignorer", "✖ Dismiss"},
		"button.suggest_drop":    {"Retirer n°%d", "Drop #%d"},

		"support.done":    {"👍 Soutien enregistré pour l'idée n°%d (%d soutien(s)).", "👍 Support recorded for idea #%d (%d support(s))."},
		"support.instead": {"👍 Votre idée n'a pas été ajoutée : vous soutenez l'idée n°%d (%d soutien(s)).", "👍 Your idea was not added: you support idea #%d (%d support(s))."},

		"suggest.title":          {"Regroupements suggérés pour « %s » (%d)", "Suggested groups for “%s” (%d)"},
		"suggest.hint":           {"Idées libres proches les unes des autres, les plus grands groupes d'abord. Pour chaque groupe : créer la proposition, retirer une idée qui n'y a pas sa place, ou ignorer.", "Free ideas close to one another, biggest groups first. For each group: create the proposal, drop an idea that does not belong, or dismiss."},
		"suggest.none":           {"Aucun regroupement à suggérer dans « %s » : pas d'idées libres assez proches.", "No groups to suggest in “%s”: no free ideas close enough."},
		"suggest.group":          {"Groupe de %d idées", "Group of %d ideas"},
		"suggest.proposed_title": {"Titre proposé :", "Proposed title:"},
		"suggest.dropped":        {"Idée n°%d retirée de ce groupe.", "Idea #%d dropped from this group."},
		"suggest.too_small":      {"Idée n°%d retirée : il ne reste qu'une idée, la suggestion est close.", "Idea #%d dropped: only one idea is left, so the suggestion is closed."},
		"suggest.dismissed":      {"Suggestion ignorée (%s) : elle ne vous sera plus proposée.", "Suggestion dismissed (%s): it will not be suggested to you again."},

		"notify.grouped":      {"📌 Votre idée %s fait maintenant partie de la proposition P%d « %s ».", "📌 Your idea %s is now part of proposal P%d “%s”."},
		"notify.grouped_many": {"📌 Vos idées %s font maintenant partie de la proposition P%d « %s ».", "📌 Your ideas %s are now part of proposal P%d “%s”."},

		"err.pending_gone":         {"Ce choix a expiré ou a déjà été fait. Renvoyez votre idée avec /idee si besoin.", "This choice has expired or was already made. Send your idea again with /idea if needed."},
		"err.pending_not_yours":    {"Seul·e l'auteur·rice de cette idée peut choisir.", "Only the author of this idea can choose."},
		"err.suggestion_gone":      {"Cette suggestion a expiré ou a déjà été traitée. Relancez /suggestions.", "This suggestion has expired or was already handled. Run /suggest again."},
		"err.suggestion_not_yours": {"Cette suggestion a été faite pour un·e autre organisateur·rice. Lancez /suggestions pour avoir les vôtres.", "This suggestion was made for another organiser. Run /suggest to get your own."},
		"err.suggest_unavailable":  {"Les suggestions de regroupement ne sont pas disponibles sur cette installation.", "Grouping suggestions are not available on this installation."},
		"err.own_idea":             {"Vous ne pouvez pas soutenir votre propre idée.", "You cannot support your own idea."},
		"err.already_supported":    {"Vous soutenez déjà cette idée.", "You already support this idea."},
		"err.not_in_suggestion":    {"Cette idée n'est plus dans cette suggestion.", "This idea is no longer in this suggestion."},
	})
}
