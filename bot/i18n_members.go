package bot

import "maps"

// errWithArgs lists the error keys whose message takes the error's
// arguments.
var errWithArgs = map[string]bool{
	"too_many_attempts":      true,
	"invite_count":           true,
	"link_both_rated":        true,
	"link_both_voted":        true,
	"rate_limited_seconds":   true,
	"rate_limited_minutes":   true,
	"too_many_ideas_seconds": true,
	"too_many_ideas_minutes": true,
}

// Messages of invitations, account links, supporters, the first admin and
// exports: key → {French, English}.
func init() {
	maps.Copy(catalog, map[string][2]string{
		"help.invite":  {"[nombre] [membre|sympathisant] : codes d'invitation à usage unique (en privé)", "[count] [member|supporter]: one-time invite codes (in private)"},
		"help.join":    {"<code> ou <n° d'adhérent·e> : devenir membre vérifié·e avec un code d'invitation, ou réclamer votre numéro d'adhérent·e pour qu'un·e organisateur·rice le confirme (en privé)", "<code> or <membership number>: become a verified member with an invite code, or claim your membership number for an organiser to confirm (in private)"},
		"help.link":    {"relier vos comptes Telegram et Discord : un code à renvoyer depuis l'autre compte", "link your Telegram and Discord accounts: a code to send from the other account"},
		"help.unlink":  {"détacher ce compte de vos autres comptes", "detach this account from your other accounts"},
		"help.claim":   {"<code> : devenir le premier admin (code affiché dans le journal au démarrage)", "<code>: become the first admin (code shown in the log at start)"},
		"usage.invite": {"Exemples : /inviter · /inviter 10 · /inviter 5 sympathisant (1 à 50 codes ; rôle membre ou sympathisant)", "Examples: /invite · /invite 10 · /invite 5 supporter (1 to 50 codes; role member or supporter)"},
		"usage.join":   {"Exemples : /rejoindre ABCDE-FGHJK (le code reçu d'un·e organisateur·rice) · /rejoindre 123456 (votre numéro d'adhérent·e), en message privé au bot", "Examples: /join ABCDE-FGHJK (the code an organiser gave you) · /join 123456 (your membership number), in a private message to the bot"},
		"usage.claim":  {"Exemple : /claim ABCDE-FGHJK (le code affiché dans le journal du bot), en message privé au bot", "Example: /claim ABCDE-FGHJK (the code shown in the bot's log), in a private message to the bot"},

		"role.supporter":     {"sympathisant·e", "supporter"},
		"members.supporters": {"dont %d sympathisant·es (idées sans vote)", "including %d supporters (ideas, no vote)"},

		"invite.title":        {"🎟 %d code(s) d'invitation — rôle : %s", "🎟 %d invite code(s) — role: %s"},
		"invite.until":        {"Valables jusqu'au %s, chacun une seule fois.", "Valid until %s, each one once."},
		"invite.how":          {"Donnez un code à chaque personne, en privé ; elle m'envoie %s CODE en message privé.", "Give one code to each person, privately; they send me %s CODE in a private message."},
		"join.done":           {"✅ Bienvenue ! Vous êtes maintenant membre vérifié·e : vous pouvez envoyer des idées et voter.", "✅ Welcome! You are now a verified member: you can send ideas and vote."},
		"join.done_supporter": {"✅ Bienvenue ! Vous êtes maintenant sympathisant·e : vous pouvez envoyer des idées, mais pas noter ni voter.", "✅ Welcome! You are now a supporter: you can send ideas, but not rate or vote."},
		"link.code":           {"🔗 Pour relier un autre compte (Telegram, Discord) à celui-ci, envoyez au bot depuis cet autre compte, en privé, avant le %s :", "🔗 To link another account (Telegram, Discord) to this one, send the bot from that other account, privately, before %s:"},
		"link.done":           {"🔗 Comptes reliés (%s) : vous êtes un·e seul·e membre, avec un seul bulletin par vote.", "🔗 Accounts linked (%s): you are one member, with one ballot per poll."},
		"unlink.done":         {"Ce compte %s est détaché de vos autres comptes. Il compte maintenant comme une personne non vérifiée ; vos autres comptes gardent vos idées et votre statut.", "This %s account is detached from your other accounts. It now counts as an unverified person; your other accounts keep your ideas and status."},
		"claim.done":          {"👑 Vous êtes maintenant admin. Nommez les organisateurs avec /role @pseudo organisateur.", "👑 You are now an admin. Name organisers with /role @username organiser."},

		"roster.claim_sent":          {"📨 Demande transmise aux organisateur·rices : si ce numéro figure sur la liste des adhérent·es, un·e organisateur·rice la confirmera, et je vous préviendrai ici.", "📨 Claim sent to the organisers: if this number is on the membership list, an organiser will confirm it, and I will tell you here."},
		"roster.code_hint":           {"Si c'était un code d'invitation, vérifiez-le : un code a 10 caractères, par ex. ABCDE-FGHJK.", "If this was an invite code, check it: a code has 10 characters, e.g. ABCDE-FGHJK."},
		"roster.claims":              {"Numéros d'adhérent·es réclamés, à vérifier (%d) :", "Membership numbers claimed, to check (%d):"},
		"roster.claim":               {"%s réclame le n° %s — sur la liste : %s", "%s claims no. %s — on the list: %s"},
		"roster.rivals":              {"⚠ %d autre(s) personne(s) réclament aussi ce numéro", "⚠ %d other person(s) also claim this number"},
		"roster.held":                {"⚠ ce numéro est déjà attribué à %s", "⚠ this number already belongs to %s"},
		"roster.more":                {"… et %d autre(s) : traitez d'abord celles-ci, puis /membres à nouveau.", "… and %d more: decide these first, then /members again."},
		"button.claim_confirm":       {"✅ confirmer #%d", "✅ confirm #%d"},
		"button.claim_reject":        {"✖ refuser #%d", "✖ reject #%d"},
		"roster.confirmed":           {"✅ Demande #%d confirmée : %s est membre vérifié·e.", "✅ Claim #%d confirmed: %s is a verified member."},
		"roster.confirmed_suspended": {"✅ Demande #%d confirmée : le numéro est attribué à %s, qui reste suspendu·e.", "✅ Claim #%d confirmed: the number belongs to %s, who stays suspended."},
		"roster.rejected":            {"✖ Demande #%d refusée. La personne en est informée, sans plus de détail.", "✖ Claim #%d rejected. The person is told, with no further detail."},
		"notify.claim_confirmed":     {"✅ Votre numéro d'adhérent·e %s est confirmé : vous êtes maintenant membre vérifié·e. Vous pouvez envoyer des idées et voter.", "✅ Your membership number %s is confirmed: you are now a verified member. You can send ideas and vote."},
		"notify.claim_rejected":      {"Votre demande pour le numéro %s n'a pas été confirmée. S'il s'agit d'une erreur, adressez-vous à un·e organisateur·rice de votre section.", "Your claim to number %s was not confirmed. If this is a mistake, speak to an organiser of your section."},

		"err.roster_already_member": {"Vous êtes déjà membre vérifié·e : inutile de réclamer un numéro d'adhérent·e.", "You are already a verified member: there is no need to claim a membership number."},
		"err.roster_number_long":    {"Ce numéro d'adhérent·e est trop long. Envoyez-le tel qu'il figure sur votre carte, par ex. /rejoindre 123456.", "This membership number is too long. Send it as it appears on your card, e.g. /join 123456."},
		"err.roster_number_bad":     {"Ce numéro d'adhérent·e contient des caractères invalides. Envoyez-le tel qu'il figure sur votre carte, par ex. /rejoindre 123456.", "This membership number holds invalid characters. Send it as it appears on your card, e.g. /join 123456."},
		"err.claim_decided":         {"Cette demande a déjà été traitée : rien n'a changé. Tapez /membres pour la liste à jour.", "This claim was already decided: nothing changed. Send /members for the current list."},
		"err.roster_taken":          {"Ce numéro est déjà attribué à un·e autre membre : rien n'a changé. Refusez cette demande, ou vérifiez avec les personnes concernées.", "This number already belongs to another member: nothing changed. Reject this claim, or check with the people concerned."},

		"help.export":       {"les idées, propositions, résultats et notes anonymisées en fichiers (en privé)", "ideas, proposals, results and anonymised ratings as files (in private)"},
		"export.done":       {"📦 Export de « %s » : %d idées, %d propositions, %d notes.", "📦 Export of “%s”: %d ideas, %d proposals, %d ratings."},
		"export.pseudonyms": {"Les notes portent un pseudonyme propre à cet export : on ne peut ni relier deux exports, ni retrouver qui a noté quoi.", "Ratings carry a pseudonym made for this export alone: two exports cannot be joined, and nobody can tell who rated what."},

		"err.rate_limited_seconds":   {"Doucement : vous avez envoyé beaucoup de commandes. Réessayez dans %d secondes.", "Easy: you have sent a lot of commands. Try again in %d seconds."},
		"err.rate_limited_minutes":   {"Doucement : vous avez envoyé beaucoup de commandes. Réessayez dans %d minutes.", "Easy: you have sent a lot of commands. Try again in %d minutes."},
		"err.too_many_ideas_seconds": {"Merci pour toutes ces idées ! Pour laisser le temps de les lire, envoyez la suivante dans %d secondes.", "Thank you for all these ideas! To leave time to read them, send the next one in %d seconds."},
		"err.too_many_ideas_minutes": {"Merci pour toutes ces idées ! Pour laisser le temps de les lire, envoyez la suivante dans %d minutes.", "Thank you for all these ideas! To leave time to read them, send the next one in %d minutes."},

		"err.private_only":       {"Envoyez cette commande au bot en message privé, pas dans le groupe : le code doit rester secret. Effacez ce message s'il contient un code.", "Send this command to the bot in a private message, not in the group: the code must stay secret. Delete this message if it contains a code."},
		"err.code_unknown":       {"Ce code n'existe pas. Vérifiez-le (10 caractères, par ex. ABCDE-FGHJK) ou demandez-en un nouveau.", "This code does not exist. Check it (10 characters, e.g. ABCDE-FGHJK) or ask for a new one."},
		"err.code_used":          {"Ce code a déjà servi : chaque code ne marche qu'une fois. Demandez-en un nouveau.", "This code was already used: each code works once. Ask for a new one."},
		"err.code_expired":       {"Ce code a expiré. Demandez-en un nouveau.", "This code has expired. Ask for a new one."},
		"err.too_many_attempts":  {"Trop de codes erronés : réessayez dans %d minutes. Vérifiez bien le code avant de le renvoyer.", "Too many wrong codes: try again in %d minutes. Check the code carefully before sending it again."},
		"err.invite_count":       {"Vous pouvez créer de 1 à %d codes à la fois. Exemple : /inviter 10", "You can make 1 to %d codes at once. Example: /invite 10"},
		"err.invite_role":        {"Une invitation fait un·e membre ou un·e sympathisant·e. Pour les autres rôles : /role @pseudo <rôle>.", "An invite makes a member or a supporter. For other roles: /role @username <role>."},
		"err.already_member":     {"Vous êtes déjà membre vérifié·e : gardez ce code pour quelqu'un d'autre.", "You are already a verified member: keep this code for someone else."},
		"err.already_linked":     {"Ces deux comptes sont déjà reliés. Envoyez le code depuis votre autre compte.", "These two accounts are already linked. Send the code from your other account."},
		"err.link_same_platform": {"Envoyez ce code depuis votre compte sur l'autre plateforme (Telegram ou Discord), pas depuis celle-ci.", "Send this code from your account on the other platform (Telegram or Discord), not from this one."},
		"err.link_both_voted":    {"Vos deux comptes ont déjà voté sur la synthèse de « %s » : les relier compterait votre vote deux fois. Reliez-les après la clôture du vote.", "Both your accounts already voted on the synthesis of “%s”: linking them would count your vote twice. Link them after the vote closes."},
		"err.link_both_rated":    {"Vos deux comptes ont déjà noté dans l'évaluation ouverte de « %s » : les relier compterait votre bulletin deux fois. Reliez-les après sa clôture.", "Both your accounts already rated in the open evaluation of “%s”: linking them would count your ballot twice. Link them after it closes."},
		"err.not_linked":         {"Ce compte n'est relié à aucun autre : rien à détacher.", "This account is not linked to any other: nothing to detach."},
		"err.admin_exists":       {"Cette installation a déjà un·e admin : demandez-lui un rôle avec /role.", "This installation already has an admin: ask them for a role with /role."},
		"err.supporter_no_vote":  {"Les sympathisant·es peuvent envoyer des idées mais pas noter ni voter. Pour voter, demandez à un·e organisateur·rice de vous faire membre.", "Supporters may send ideas but not rate or vote. To vote, ask an organiser to make you a member."},
	})
}
