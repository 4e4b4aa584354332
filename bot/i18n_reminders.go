package bot

import "maps"

// Messages of scheduled evaluations and reminders: key → {French, English}.
func init() {
	maps.Copy(catalog, map[string][2]string{
		"help.mute":   {"ne plus recevoir de rappels en privé", "stop private reminders"},
		"help.unmute": {"recevoir à nouveau les rappels", "get reminders again"},

		"schedule.done": {"📅 L'évaluation de « %s » ouvrira %s et fermera %s.", "📅 The evaluation of “%s” will open %s and close %s."},

		"err.schedule_phase": {"Seules la collecte, l'évaluation et le vote d'adoption peuvent être programmés. Exemple : /phase collecte du 24/11 9h au 1/12 18h",
			"Only collecting, the evaluation and the adoption vote can be scheduled. Example: /phase collecting from 2026-11-24 09:00 to 2026-12-01 18:00"},
		"schedule.phase": {"« %s » : phase %s prévue du %s au %s ; elle s'ouvrira et se fermera d'elle-même.",
			"“%s”: %s phase planned from %s to %s; it will open and close by itself."},
		"err.schedule_bad_date": {"Je ne comprends pas ces dates. Exemple : /sondage programmer du 01/12 18h au 08/12 18h",
			"I can't read those dates. Example: /poll schedule from 2026-12-01 18:00 to 2026-12-08 18:00"},
		"err.schedule_past":  {"L'évaluation doit ouvrir dans le futur : cette date est déjà passée.", "The evaluation must open in the future: that date is already past."},
		"err.schedule_order": {"La date de fermeture doit venir après la date d'ouverture.", "The closing date must come after the opening date."},

		"reminder.title": {"⏰ Rappel : « %s »", "⏰ Reminder: “%s”"},
		"reminder.body":  {"Vous n'avez pas fini de noter les propositions ; l'évaluation ferme %s.", "You have not finished rating the proposals; the evaluation closes %s."},
		"reminder.mute":  {"Pour ne plus recevoir de rappels : %s", "To stop reminders: %s"},
		"closing.title":  {"⏳ L'évaluation de « %s » ferme bientôt", "⏳ The evaluation of “%s” closes soon"},
		"closing.body":   {"Elle ferme %s. Pensez à noter toutes les propositions.", "It closes %s. Remember to rate every proposal."},

		"mute.on":  {"🔕 Vous ne recevrez plus de rappels. /reactiver pour les retrouver.", "🔕 You will get no more reminders. /unmute to get them again."},
		"mute.off": {"🔔 Vous recevrez à nouveau les rappels.", "🔔 You will get reminders again."},

		"calendar.planned": {"prévue le %s", "planned %s"},
	})
}
