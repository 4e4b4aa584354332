package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"atelier/consultation"
)

// Lang is a language Atelier speaks: "fr" or "en".
type Lang string

// Languages.
const (
	French  Lang = "fr"
	English Lang = "en"
)

// ParseLang maps a platform language code ("fr", "fr-BE", "en-US") to a
// Lang, falling back to def for anything else.
func ParseLang(code, def string) Lang {
	if c := langCode(code); c != "" {
		return Lang(c)
	}
	if def == string(English) {
		return English
	}
	return French
}

// langCode returns "fr" or "en" for a platform language code Atelier
// speaks, and "" for any other.
func langCode(code string) string {
	code = strings.ToLower(code)
	switch {
	case strings.HasPrefix(code, "fr"):
		return string(French)
	case strings.HasPrefix(code, "en"):
		return string(English)
	}
	return ""
}

// named returns key's message in l, or id when the catalog has none (a
// recorded identifier it does not name).
func (l Lang) named(key, id string) string {
	if _, ok := catalog[key]; ok {
		return l.T(key)
	}
	return id
}

// T returns the message key in l, formatted with args. A key missing from
// the catalog is a bug that tests catch; it shows as the key itself.
func (l Lang) T(key string, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		return key
	}
	f := m[0]
	if l == English {
		f = m[1]
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// Num formats a number with one decimal at most, French style in French.
func (l Lang) Num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if l == French {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Percent formats a share as a whole percentage.
func (l Lang) Percent(f float64) string { return strconv.Itoa(int(f*100+0.5)) + " %" }

// When formats a time in loc, without the year when it is the current
// one would be ambiguous, so always with it.
func (l Lang) When(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if l == French {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// Phase names a phase.
func (l Lang) Phase(p consultation.Phase) string { return l.T("phase." + string(p) + ".name") }

// Role names a role.
func (l Lang) Role(r consultation.Role) string { return l.T("role." + string(r)) }

// Axis names an axis.
func (l Lang) Axis(a consultation.Axis) string { return l.T("axis." + string(a)) }

// Choice names an adoption vote choice.
func (l Lang) Choice(c consultation.Choice) string { return l.T("choice." + string(c)) }

// Quadrant names a quadrant.
func (l Lang) Quadrant(q consultation.Quadrant) string { return l.T("quadrant." + string(q)) }

// Score shows a rating value.
func (l Lang) Score(v int) string {
	switch v {
	case consultation.Unset:
		return "—"
	case consultation.DontKnow:
		return l.T("score.dontknow")
	}
	return strconv.Itoa(v)
}

// command returns the command word to show for a canonical name.
func (l Lang) command(name string) string {
	if l == French {
		for _, c := range commands {
			if c.name == name && len(c.aliases) > 0 && c.name != "help" {
				return c.aliases[0]
			}
		}
		if name == "help" {
			return "aide"
		}
	}
	return name
}

// Error explains a domain error in l and says what to do instead.
func (l Lang) Error(err error, r *request) string {
	var e *consultation.Error
	if !errors.As(err, &e) {
		return l.T("internal")
	}
	switch e.Key {
	case "usage":
		cmd := e.Message[len("usage of /"):]
		return l.T("usage", "/"+l.command(cmd)) + "\n" + l.T("usage."+cmd)
	case "unknown_command":
		return l.T("unknown_command", "/"+r.cmd.Word, "/"+l.command("help"))
	case "wrong_phase":
		c := e.Args
		phase := c[0].(consultation.Phase)
		deadline := c[1].(time.Time)
		want := c[2].([]consultation.Phase)
		names := make([]string, len(want))
		for i, p := range want {
			names[i] = l.Phase(p)
		}
		s := l.T("wrong_phase", l.Phase(phase), strings.Join(names, " / "))
		if !deadline.IsZero() && r.group != nil {
			s += " " + l.T("wrong_phase.until", l.When(deadline, r.group.Location()))
		}
		return s
	case "idea_too_short", "idea_too_long", "title_length", "idea_not_found", "idea_withdrawn",
		"idea_in_proposal", "proposal_not_found", "not_author", "already_withdrawn", "idea_grouped",
		"already_verified", "already_suspended", "member_unknown", "score_range":
		return l.T("err."+e.Key, e.Args...)
	case "not_found":
		return l.T("err.not_found")
	}
	if errWithArgs[e.Key] {
		return l.T("err."+e.Key, e.Args...)
	}
	if _, ok := catalog["err."+e.Key]; ok {
		return l.T("err." + e.Key)
	}
	return l.T("err.generic")
}

// catalog holds every message: key → {French, English}.
var catalog = map[string][2]string{
	"internal": {"Désolé, quelque chose s'est mal passé de notre côté. Rien n'a été enregistré ; réessayez dans un instant.",
		"Sorry, something went wrong on our side. Nothing was recorded; please try again in a moment."},
	"unknown_command": {"Je ne connais pas la commande %s. Tapez %s pour la liste des commandes.",
		"I don't know the command %s. Type %s for the list of commands."},
	"usage":  {"Il manque quelque chose à %s.", "%s needs more."},
	"until":  {"jusqu'au %s", "until %s"},
	"system": {"système", "system"},

	"usage.idea":                  {"Exemple : /idee Créer un covoiturage pour les réunions de section", "Example: /idea Set up car-sharing for section meetings"},
	"usage.withdraw":              {"Exemple : /retirer 12 (le numéro de votre idée)", "Example: /withdraw 12 (your idea's number)"},
	"usage.consultation":          {"Exemples : /consultation nouvelle Réforme des statuts · /consultation sympathisants oui (les sympathisants votent aussi) ou non", "Examples: /consultation new Statutes reform · /consultation supporters yes (supporters vote too) or no"},
	"consultation.supporters.on":  {"Dans « %s », les sympathisant·es vérifié·es noteront et voteront aussi.", "In “%s”, verified supporters will rate and vote too."},
	"consultation.supporters.off": {"Dans « %s », seuls les membres notent et votent ; les sympathisant·es envoient des idées.", "In “%s”, only members rate and vote; supporters send ideas."},
	"usage.phase":                 {"Exemples : /phase collecte jusqu'au 01/12 18h · /phase collecte du 01/12 9h au 08/12 18h (programmée) (phases : collecte, regroupement, evaluation, resultats, adoption, cloture)", "Examples: /phase collecting until 2026-12-01 18:00 · /phase collecting from 2026-12-01 09:00 to 2026-12-08 18:00 (planned) (phases: collecting, grouping, evaluating, results, adoption, closed)"},
	"usage.group":                 {"Exemple : /regrouper 1 4 7 Covoiturage pour les réunions (numéros des idées, puis le titre)", "Example: /group 1 4 7 Car-sharing for meetings (idea numbers, then the title)"},
	"usage.ungroup":               {"Exemple : /degrouper 3 (le numéro de la proposition)", "Example: /ungroup 3 (the proposal's number)"},
	"usage.rename":                {"Exemple : /renommer 3 Nouveau titre", "Example: /rename 3 New title"},
	"usage.poll":                  {"Exemples : /sondage ouvrir jusqu'au 01/12 18h · /sondage programmer du 01/12 18h au 03/12 18h · /sondage fermer · /sondage (participation)", "Examples: /poll open until 2026-12-01 18:00 · /poll schedule from 2026-12-01 18:00 to 2026-12-03 18:00 · /poll close · /poll (turnout)"},
	"usage.verify":                {"Exemple : /verifier @pseudo, ou répondez à un message de la personne avec /verifier", "Example: /verify @username, or reply to the person's message with /verify"},
	"usage.suspend":               {"Exemple : /suspendre @pseudo", "Example: /suspend @username"},
	"usage.role":                  {"Exemple : /role @pseudo organisateur (rôles : sympathisant, membre, organisateur, admin)", "Example: /role @username organiser (roles: supporter, member, organiser, admin)"},
	"usage.vote":                  {"Exemples, en privé : /vote oui · /vote non · /vote abstention ; organisateurs, dans le groupe : /vote fermer", "Examples, in private: /vote yes · /vote no · /vote abstain; organisers, in the group: /vote close"},
	"usage.synthesis":             {"Exemples : /synthese · organisateurs : /synthese vote quorum 50 % jusqu'au 08/12 18h, ou du 05/12 9h au 08/12 18h", "Examples: /synthesis · organisers: /synthesis vote quorum 50% until 2026-12-08 18:00, or from 2026-12-05 09:00 to 2026-12-08 18:00"},

	"wrong_phase":       {"Ce n'est pas possible maintenant : la consultation est en phase « %s » (il faut : %s).", "Not possible now: the consultation is in the “%s” phase (this needs: %s)."},
	"wrong_phase.until": {"Cette phase dure jusqu'au %s.", "This phase lasts until %s."},

	"err.generic":            {"Ce n'est pas possible.", "That is not possible."},
	"err.not_found":          {"Introuvable.", "Not found."},
	"err.too_long":           {"Ce message est trop long pour être une commande.", "This message is too long to be a command."},
	"err.not_verified":       {"Seuls les membres vérifiés peuvent faire cela. Demandez à un·e organisateur·rice de votre section de vous vérifier (il ou elle répond à l'un de vos messages avec /verifier).", "Only verified members can do this. Ask an organiser of your section to verify you (they reply to one of your messages with /verify)."},
	"err.suspended":          {"Votre adhésion est suspendue : vous ne pouvez plus contribuer ni voter. Contactez les organisateurs de votre section.", "Your membership is suspended: you can no longer contribute or vote. Contact your section's organisers."},
	"err.not_organiser":      {"Cette commande est réservée aux organisateurs (secrétaires de section).", "This command is for organisers (section secretaries) only."},
	"err.not_admin":          {"Cette action est réservée aux administrateurs.", "This action is for admins only."},
	"err.group_only":         {"Utilisez cette commande dans le groupe de votre section.", "Use this command in your section's group."},
	"err.no_consultation":    {"Aucune consultation dans ce groupe. Un·e organisateur·rice peut en créer une : /consultation nouvelle <titre>", "No consultation in this group. An organiser can create one: /consultation new <title>"},
	"err.idea_too_short":     {"Une idée doit faire au moins %d caractères.", "An idea needs at least %d characters."},
	"err.idea_too_long":      {"Une idée fait au plus %d caractères (celle-ci en a %d). Raccourcissez-la ou découpez-la en plusieurs idées.", "An idea has at most %d characters (this one has %d). Shorten it or split it into several ideas."},
	"err.title_length":       {"Un titre fait de %d à %d caractères.", "A title has %d to %d characters."},
	"err.idea_not_found":     {"Il n'y a pas d'idée n°%d.", "There is no idea #%d."},
	"err.idea_withdrawn":     {"L'idée n°%d a été retirée par son auteur·rice.", "Idea #%d was withdrawn by its author."},
	"err.idea_in_proposal":   {"L'idée n°%d fait déjà partie d'une proposition (/degrouper la libère).", "Idea #%d already belongs to a proposal (/ungroup frees it)."},
	"err.proposal_not_found": {"Il n'y a pas de proposition n°%d.", "There is no proposal #%d."},
	"err.not_author":         {"Seul·e l'auteur·rice de l'idée n°%d peut la retirer.", "Only the author of idea #%d can withdraw it."},
	"err.already_withdrawn":  {"L'idée n°%d est déjà retirée.", "Idea #%d is already withdrawn."},
	"err.idea_grouped":       {"L'idée n°%d fait partie d'une proposition : demandez à un·e organisateur·rice.", "Idea #%d is part of a proposal: ask an organiser."},
	"err.already_verified":   {"%s est déjà vérifié·e.", "%s is already verified."},
	"err.already_suspended":  {"%s est déjà suspendu·e.", "%s is already suspended."},
	"err.member_unknown":     {"Je ne connais pas encore %s : la personne doit d'abord écrire une commande au bot (par exemple /aide).", "I don't know %s yet: they must first send the bot a command (for example /help)."},
	"err.no_target":          {"Dites de qui il s'agit : @pseudo, ou répondez à un message de la personne.", "Say who: @username, or reply to one of the person's messages."},
	"err.self_demote":        {"Un·e admin ne peut pas se retirer ce rôle soi-même.", "An admin cannot demote themselves."},
	"err.self_suspend":       {"Vous ne pouvez pas vous suspendre vous-même.", "You cannot suspend yourself."},
	"err.phase_backwards":    {"La consultation a déjà atteint ou dépassé cette phase ; les phases ne reviennent pas en arrière.", "The consultation has already reached or passed that phase; phases do not go back."},
	"err.deadline_past":      {"Cette date est déjà passée. Exemple : jusqu'au 01/12 18h", "That date is already past. Example: until 2026-12-01 18:00"},
	"err.quorum_range":       {"Le quorum est un pourcentage entre 0 et 100.", "The quorum is a percentage between 0 and 100."},
	"err.no_proposals":       {"Il faut d'abord regrouper les idées en propositions (/regrouper).", "Group the ideas into proposals first (/group)."},
	"err.no_evaluation":      {"Il faut d'abord évaluer les propositions (/sondage ouvrir).", "Evaluate the proposals first (/poll open)."},
	"err.no_ideas":           {"Donnez au moins un numéro d'idée.", "Give at least one idea number."},
	"err.bad_number":         {"Ce n'est pas un numéro valide.", "That is not a valid number."},
	"err.poll_closed":        {"Cette évaluation est fermée : ce bouton ne sert plus.", "This evaluation is closed: this button no longer works."},
	"err.not_in_electorate":  {"Vous avez été vérifié·e après l'ouverture de ce vote : vous ne pouvez pas y participer, mais vous pourrez participer aux suivants.", "You were verified after this poll opened: you cannot take part in it, but you can in the next ones."},
	"err.score_range":        {"Une note va de %d à %d.", "A rating goes from %d to %d."},
	"err.bad_axis":           {"Ce bouton ne note ni l'impact ni l'effort : rouvrez votre bulletin avec /noter.", "This button rates neither impact nor effort: open your ballot again with /rate."},
	"err.results_hidden":     {"Les notes restent cachées jusqu'à la clôture de l'évaluation, pour que personne ne soit influencé. Seule la participation est visible : /sondage", "Scores stay hidden until the evaluation closes, so nobody is swayed. Only turnout is shown: /poll"},
	"err.no_results":         {"Aucune évaluation n'a encore eu lieu.", "No evaluation has taken place yet."},
	"err.vote_closed":        {"Le vote d'adoption n'est pas ouvert.", "The adoption vote is not open."},
	"err.vote_not_open":      {"Le vote d'adoption n'a pas encore été ouvert.", "The adoption vote has not opened yet."},
	"err.bad_button":         {"Ce bouton n'est pas valide.", "This button is not valid."},
	"err.bad_choice":         {"Votez oui, non ou abstention.", "Vote yes, no or abstain."},
	"err.no_open_poll":       {"Aucune évaluation n'est ouverte pour vous en ce moment.", "No evaluation is open for you right now."},
	"err.no_open_vote":       {"Aucun vote n'est ouvert pour vous en ce moment.", "No vote is open for you right now."},
	"err.vote_in_private":    {"Votre vote est secret : votez avec les boutons de l'annonce, ou envoyez-moi /vote oui, non ou abstention en privé. Ce message ne compte pas.", "Your vote is secret: vote with the announcement's buttons, or send me /vote yes, no or abstain privately. This message does not count."},
	"err.bad_date":           {"Je ne comprends pas cette date. Exemples : 01/12 18h, 2026-12-01 18:00, demain 9h", "I can't read that date. Examples: 2026-12-01 18:00, 1/12 18h, tomorrow 9am"},
	"err.bad_quorum":         {"Je ne comprends pas ce quorum. Exemple : quorum 50 %", "I can't read that quorum. Example: quorum 50%"},
	"err.exists":             {"Cela existe déjà.", "That already exists."},

	"help.title":         {"Atelier — consultations internes", "Atelier — internal consultations"},
	"help.intro":         {"Les membres vérifiés envoient des idées, les organisateurs les regroupent en propositions, puis chacun·e note chaque proposition (impact et effort, de 1 à 5) dans un bulletin secret.", "Verified members send ideas, organisers group them into proposals, then everyone rates each proposal (impact and effort, 1 to 5) on a secret ballot."},
	"help.unverified":    {"Vous n'êtes pas encore vérifié·e : vous pouvez lire, mais pas contribuer ni voter. Demandez à un·e organisateur·rice de votre section de vous vérifier.", "You are not verified yet: you can read but not contribute or vote. Ask an organiser of your section to verify you."},
	"help.help":          {"ce que fait le bot et les commandes", "what the bot does and its commands"},
	"help.idea":          {"<texte> : proposer une idée", "<text>: send an idea"},
	"help.ideas":         {"les idées reçues", "the ideas received"},
	"help.withdraw":      {"<n> : retirer votre idée", "<n>: withdraw your idea"},
	"help.proposals":     {"les propositions et leurs idées sources", "proposals and their source ideas"},
	"help.consultations": {"les consultations du groupe", "this group's consultations"},
	"help.calendar":      {"étapes, dates et responsables", "steps, dates and people in charge"},
	"help.rate":          {"ouvrir mon bulletin (en privé)", "open my ballot (in private)"},
	"help.results":       {"résultats et classement", "results and ranking"},
	"help.synthesis":     {"la synthèse ; organisateurs : la soumettre au vote", "the synthesis; organisers: put it to the vote"},
	"help.vote":          {"oui|non|abstention : voter la synthèse, en privé", "yes|no|abstain: vote on the synthesis, in private"},
	"help.digest":        {"le résumé de la semaine", "the weekly digest"},
	"help.consultation":  {"nouvelle <titre> : créer une consultation", "new <title>: create a consultation"},
	"help.phase":         {"<phase> [jusqu'au <date>] : passer à la phase suivante", "<phase> [until <date>]: move to a later phase"},
	"help.group":         {"<idées> <titre> : créer une proposition", "<ideas> <title>: make a proposal"},
	"help.ungroup":       {"<n> : défaire une proposition", "<n>: undo a proposal"},
	"help.rename":        {"<n> <titre> : renommer une proposition", "<n> <title>: rename a proposal"},
	"help.poll":          {"ouvrir|fermer : l'évaluation ; seul : la participation", "open|close: the evaluation; alone: turnout"},
	"help.verify":        {"@pseudo : vérifier un·e membre", "@username: verify a member"},
	"help.suspend":       {"@pseudo : suspendre un·e membre", "@username: suspend a member"},
	"help.role":          {"@pseudo <rôle> : donner un rôle (admins)", "@username <role>: give a role (admins)"},
	"help.members":       {"l'effectif par statut et rôle", "members by status and role"},
	"help.log":           {"le journal des actions", "the audit log"},

	"idea.recorded":                  {"💡 Idée n°%d enregistrée dans « %s ». Merci !", "💡 Idea #%d recorded in “%s”. Thank you!"},
	"idea.withdrawn":                 {"Idée n°%d retirée.", "Idea #%d withdrawn."},
	"ideas.title":                    {"Idées de « %s » (%d)", "Ideas of “%s” (%d)"},
	"ideas.none":                     {"Aucune idée pour l'instant. Envoyez la vôtre : /idee <texte>", "No ideas yet. Send yours: /idea <text>"},
	"ideas.latest":                   {"(les %d plus récentes)", "(the latest %d)"},
	"proposals.title":                {"Propositions de « %s » (%d)", "Proposals of “%s” (%d)"},
	"proposals.none":                 {"Aucune proposition pour l'instant.", "No proposals yet."},
	"consultations.title":            {"Consultations de ce groupe", "Consultations in this group"},
	"consultations.none":             {"Aucune consultation.", "No consultations."},
	"consultation.created":           {"Consultation n°%d « %s » créée (brouillon). Ouvrez la collecte des idées avec /phase collecte [jusqu'au <date>].", "Consultation #%d “%s” created (draft). Open it to ideas with /phase collecting [until <date>]."},
	"calendar.title":                 {"Calendrier de « %s »", "Calendar of “%s”"},
	"calendar.started":               {"ouverte le %s", "opened %s"},
	"calendar.ended":                 {"fermée le %s", "closed %s"},
	"calendar.by":                    {"responsable : %s", "in charge: %s"},
	"phase.now":                      {"« %s » : phase %s", "“%s”: %s phase"},
	"phase.collecting":               {"Envoyez vos idées avec /idee <texte>.", "Send your ideas with /idea <text>."},
	"phase.grouping":                 {"Les organisateurs regroupent les idées en propositions : /propositions pour suivre.", "Organisers are grouping ideas into proposals: /proposals to follow along."},
	"phase.evaluating":               {"L'évaluation est ouverte : notez chaque proposition (impact et effort, de 1 à 5) dans votre bulletin privé.", "The evaluation is open: rate every proposal (impact and effort, 1 to 5) on your private ballot."},
	"phase.adoption":                 {"Vote d'adoption de la synthèse (/synthese pour la lire). Quorum : %s des membres vérifiés.", "Adoption vote on the synthesis (/synthesis to read it). Quorum: %s of verified members."},
	"phase.draft.name":               {"brouillon", "draft"},
	"phase.collecting.name":          {"collecte des idées", "collecting ideas"},
	"phase.grouping.name":            {"regroupement", "grouping"},
	"phase.evaluating.name":          {"évaluation", "evaluation"},
	"phase.results.name":             {"résultats", "results"},
	"phase.adoption.name":            {"adoption", "adoption"},
	"phase.closed.name":              {"clôturée", "closed"},
	"group.created":                  {"Proposition P%d créée :", "Proposal P%d created:"},
	"ungroup.done":                   {"Proposition P%d défaite ; ses idées sont de nouveau libres.", "Proposal P%d undone; its ideas are free again."},
	"rename.done":                    {"Proposition P%d renommée : %s", "Proposal P%d renamed: %s"},
	"participation":                  {"%d membres sur %d ont noté toutes les propositions (%d ont commencé).", "%d of %d members have rated every proposal (%d have started)."},
	"participation.missing":          {"Pas encore terminé pour « %s » (pour les relances, jamais leurs notes) :", "Not finished yet for “%s” (for reminders, never their ratings):"},
	"verify.done":                    {"✅ %s est maintenant membre vérifié·e.", "✅ %s is now a verified member."},
	"suspend.done":                   {"%s est suspendu·e.", "%s is suspended."},
	"role.done":                      {"%s est maintenant %s.", "%s is now %s."},
	"role.member":                    {"membre", "member"},
	"role.supporter":                 {"sympathisant·e", "supporter"},
	"role.organiser":                 {"organisateur·rice", "organiser"},
	"role.admin":                     {"admin", "admin"},
	"members.title":                  {"Effectif", "Members"},
	"members.status":                 {"%d vérifié·es, %d non vérifié·es, %d suspendu·es", "%d verified, %d unverified, %d suspended"},
	"members.roles":                  {"dont %d admins et %d organisateurs", "including %d admins and %d organisers"},
	"log.title":                      {"Journal des actions (jamais les votes)", "Audit log (never votes)"},
	"action.verify":                  {"vérifie", "verified"},
	"action.suspend":                 {"suspend", "suspended"},
	"action.role":                    {"donne un rôle à", "gave a role to"},
	"action.consultation.create":     {"crée la consultation", "created the consultation"},
	"action.consultation.supporters": {"règle le vote des sympathisant·es", "set the supporters' vote"},
	"action.phase":                   {"phase", "phase"},
	"action.proposal.create":         {"crée une proposition", "created a proposal"},
	"action.proposal.delete":         {"supprime une proposition", "deleted a proposal"},
	"action.proposal.rename":         {"renomme une proposition", "renamed a proposal"},
	"action.idea.withdraw":           {"retire une idée", "withdrew an idea"},
	"action.adoption.open":           {"ouvre le vote", "opened the vote"},
	"action.adoption.close":          {"clôt le vote", "closed the vote"},
	"action.invite":                  {"crée des invitations", "created invitations"},
	"action.link":                    {"lie des comptes", "linked accounts"},
	"action.unlink":                  {"délie un compte", "unlinked an account"},
	"action.export":                  {"exporte", "exported"},
	"action.digest_schedule":         {"programme le résumé", "scheduled the digest"},
	"action.roster.import":           {"importe la liste des adhérent·es", "imported the roster"},
	"action.roster.reject":           {"refuse une revendication", "rejected a claim"},
	"audit.admin_configured":         {"admin (configuration)", "admin (configured)"},
	"audit.admin_setup":              {"admin (code d'installation)", "admin (setup code)"},
	"audit.by_invite":                {"par invitation", "by invite"},
	"audit.by_roster":                {"liste des adhérent·es, n° %s", "roster, no. %s"},
	"audit.supporters_vote":          {"les sympathisant·es votent", "supporters vote"},
	"audit.supporters_no_vote":       {"les sympathisant·es ne votent pas", "supporters do not vote"},
	"audit.roster_import":            {"%d ajouté·es, %d mis·es à jour, %d inchangé·es", "%d added, %d updated, %d unchanged"},
	"audit.deadline":                 {"échéance : %s", "deadline: %s"},
	"audit.planned":                  {"%s prévue du %s au %s", "%s planned from %s to %s"},
	"audit.quorum":                   {"quorum %s", "quorum %s"},
	"audit.by_schedule":              {"selon le calendrier : %s", "as scheduled: %s"},
	"audit.by_deadline":              {"à l'échéance : %s", "at the deadline: %s"},
	"audit.lapsed_deadline":          {"échéance passée sans proposition : « %s » attend un·e organisateur·rice", "deadline passed with no proposal: “%s” waits for an organiser"},
	"audit.lapsed_schedule":          {"ouverture prévue passée sans proposition : « %s » attend un·e organisateur·rice", "planned start passed with no proposal: “%s” waits for an organiser"},
	"vote.recorded":                  {"🗳 Vote enregistré : %s. Vous pouvez le changer jusqu'à la clôture.", "🗳 Vote recorded: %s. You can change it until the vote closes."},
	"choice.yes":                     {"oui", "yes"},
	"choice.no":                      {"non", "no"},
	"choice.abstain":                 {"abstention", "abstain"},
	"button.rate":                    {"🗳 Noter les propositions", "🗳 Rate the proposals"},
	"button.yes":                     {"Oui", "Yes"},
	"button.no":                      {"Non", "No"},
	"button.abstain":                 {"Abstention", "Abstain"},
	"axis.impact":                    {"Impact", "Impact"},
	"axis.effort":                    {"Effort", "Effort"},
	"score.dontknow":                 {"ne sait pas", "don't know"},
	"ballot.title":                   {"Votre bulletin — « %s », tour %d", "Your ballot — “%s”, round %d"},
	"ballot.progress":                {"Propositions notées : %d sur %d", "Proposals rated: %d of %d"},
	"ballot.proposal":                {"Proposition %d/%d", "Proposal %d/%d"},
	"ballot.sources":                 {"Idées sources :", "Source ideas:"},
	"ballot.current":                 {"Votre note — impact : %s · effort : %s", "Your rating — impact: %s · effort: %s"},
	"ballot.complete":                {"✅ Bulletin complet. Vous pouvez modifier vos notes jusqu'à la clôture.", "✅ Ballot complete. You can change your ratings until the evaluation closes."},
	"ballot.secret":                  {"🔒 Bulletin secret : personne — ni les organisateurs ni les admins — ne peut voir vos notes. Seuls les résultats agrégés sont publiés, après la clôture ; les organisateurs voient seulement qui n'a pas fini, pour les relances.", "🔒 Secret ballot: nobody — not organisers, not admins — can see your ratings. Only aggregated results are published, after the evaluation closes; organisers only see who has not finished, for reminders."},
	"rate.recorded":                  {"Enregistré : %s %s", "Recorded: %s %s"},
	"rate.choose":                    {"Plusieurs évaluations sont ouvertes ; laquelle ?", "Several evaluations are open; which one?"},
	"vote.choose":                    {"Plusieurs votes sont ouverts : pour lequel votez-vous « %s » ?", "Several votes are open: which one is your “%s” for?"},
	"quadrant.quick_win":             {"gain rapide", "quick win"},
	"quadrant.major_project":         {"grand projet", "major project"},
	"quadrant.fill_in":               {"appoint", "fill-in"},
	"quadrant.thankless":             {"ingrat", "thankless"},
	"quadrant.unrated":               {"non noté", "unrated"},
	"results.title":                  {"Résultats de « %s » — tour %d", "Results of “%s” — round %d"},
	"results.turnout":                {"%d votant·es sur %d membres appelé·es (%s).", "%d voters of %d members called (%s)."},
	"results.line":                   {"impact %s · effort %s · d'accord %s · %d votant·es", "impact %s · effort %s · agreeing %s · %d voters"},
	"results.rule":                   {"Classement : quadrant (gains rapides, grands projets, appoints, ingrats), puis impact médian le plus haut, effort médian le plus bas, part d'accord (impact ≥ 4 et effort ≤ 2), écart moyen impact − effort, nombre de votant·es, numéro.", "Ranking: quadrant (quick wins, major projects, fill-ins, thankless), then highest median impact, lowest median effort, share agreeing (impact ≥ 4 and effort ≤ 2), mean impact − effort, number of voters, number."},
	"synthesis.ready":                {"📄 Synthèse de « %s » : %d propositions retenues sur %d.", "📄 Synthesis of “%s”: %d proposals selected of %d."},
	"synthesis.vote_hint":            {"Organisateurs : /synthese vote quorum 50 % jusqu'au <date> la soumet au vote.", "Organisers: /synthesis vote quorum 50% until <date> puts it to the vote."},
	"tally.open":                     {"Vote en cours : %d votant·es sur %d (%s). Le détail sera publié à la clôture.", "Vote in progress: %d voters of %d (%s). The split is published when it closes."},
	"tally.result":                   {"Oui : %d · Non : %d · Abstention : %d — participation %d/%d (%s), quorum %s.", "Yes: %d · No: %d · Abstain: %d — turnout %d/%d (%s), quorum %s."},
	"tally.adopted":                  {"✅ La synthèse est adoptée.", "✅ The synthesis is adopted."},
	"tally.rejected":                 {"❌ La synthèse n'est pas adoptée.", "❌ The synthesis is not adopted."},
	"tally.no_quorum":                {"❌ Quorum non atteint : la synthèse n'est pas adoptée.", "❌ Quorum not reached: the synthesis is not adopted."},
	"digest.title":                   {"📰 Résumé du %s au %s", "📰 Digest from %s to %s"},
	"digest.empty":                   {"Rien de nouveau sur cette période.", "Nothing new in this period."},
	"digest.ideas":                   {"%d nouvelles idées", "%d new ideas"},
	"digest.proposals":               {"%d nouvelles propositions", "%d new proposals"},
	"digest.next":                    {"Prochaine échéance : %s le %s", "Next deadline: %s on %s"},
	"digest.top":                     {"En tête :", "Top:"},
}
