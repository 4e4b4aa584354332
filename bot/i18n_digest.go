package bot

import "maps"

// Messages of scheduled digests: key → {French, English}.
func init() {
	maps.Copy(catalog, map[string][2]string{
		"usage.digest": {"Exemples : /resume · organisateurs : /resume programme 0 18 * * FRI (le vendredi à 18 h, fuseau du groupe) ou @weekly",
			"Examples: /digest · organisers: /digest schedule 0 18 * * FRI (Fridays at 18:00, the group's time zone) or @weekly"},
		"digest.schedule":  {"📅 Résumé automatique : « %s » (fuseau %s). Prochain envoi : %s.", "📅 Automatic digest: “%s” (time zone %s). Next: %s."},
		"digest.scheduled": {"📅 Résumé automatique programmé : « %s » (fuseau %s). Prochain envoi : %s.", "📅 Automatic digest scheduled: “%s” (time zone %s). Next: %s."},
		"digest.no_groups": {"Vous n'avez encore participé à aucune consultation : pas de résumé à vous envoyer.", "You have not taken part in any consultation yet: no digest to send you."},
		"err.bad_schedule": {"Horaire invalide : « %s ». Il faut un horaire cron à 5 champs (minute heure jour mois jour-de-semaine), par exemple /resume programme 0 18 * * FRI (le vendredi à 18 h) ou /resume programme @weekly.",
			"Invalid schedule: “%s”. Use a 5-field cron schedule (minute hour day month weekday), for example /digest schedule 0 18 * * FRI (Fridays at 18:00) or /digest schedule @weekly."},
		"err.schedule_too_often": {"Un résumé part au plus une fois par jour : cet horaire en enverrait plus. Par exemple : /resume programme 0 18 * * FRI",
			"A digest goes out at most once a day; this schedule would send more. For example: /digest schedule 0 18 * * FRI"},
		"err.schedule_tz": {"Pas de CRON_TZ= ni TZ= dans l'horaire : le fuseau horaire du groupe est toujours utilisé. Par exemple : /resume programme 0 18 * * FRI",
			"No CRON_TZ= or TZ= in the schedule: the group's time zone is always used. For example: /digest schedule 0 18 * * FRI"},
	})
	errWithArgs["bad_schedule"] = true
}
