package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/bot"

	"github.com/bwmarrin/discordgo"
)

// choice is one allowed value of an option; Value is what the bot parses.
type choice struct {
	Value, EN, FR string
}

// param is an option of a slash command.
type param struct {
	Name, FR   string // lowercase, no accents
	Type       discordgo.ApplicationCommandOptionType
	Required   bool
	DescEN     string
	DescFR     string
	Choices    []choice
	MaxLength  int
	MinValue   float64
	MaxValue   float64
	hasMinimum bool
}

var (
	pNumber = param{Name: "number", FR: "numero", Type: discordgo.ApplicationCommandOptionInteger, Required: true,
		DescEN: "the number", DescFR: "le numéro", MinValue: 1, hasMinimum: true}
	pTitle = param{Name: "title", FR: "titre", Type: discordgo.ApplicationCommandOptionString, Required: true,
		DescEN: "the title", DescFR: "le titre", MaxLength: 200}
	pUntil = param{Name: "until", FR: "jusqua", Type: discordgo.ApplicationCommandOptionString,
		DescEN: "deadline, e.g. 2026-12-01 18:00", DescFR: "échéance, par ex. 01/12 18h", MaxLength: 40}
	pCode = param{Name: "code", FR: "code", Type: discordgo.ApplicationCommandOptionString, Required: true,
		DescEN: "the code, e.g. ABCDE-FGHJK", DescFR: "le code, par ex. ABCDE-FGHJK", MaxLength: 20}
	pUser = param{Name: "user", FR: "membre", Type: discordgo.ApplicationCommandOptionUser, Required: true,
		DescEN: "the member", DescFR: "la personne"}
)

// params lists the options of each command, by canonical name. The order
// is the order of the words in the command text the bot parses.
var params = map[string][]param{
	"idea": {{Name: "text", FR: "texte", Type: discordgo.ApplicationCommandOptionString,
		DescEN: "your idea (leave empty for a larger box)", DescFR: "votre idée (laisser vide pour une grande zone de texte)", MaxLength: 4000}},
	"withdraw": {pNumber},
	"support":  {pNumber},
	"ungroup":  {pNumber},
	"rename":   {pNumber, pTitle},
	"group": {
		{Name: "ideas", FR: "idees", Type: discordgo.ApplicationCommandOptionString, Required: true,
			DescEN: "idea numbers, e.g. 1 4 7", DescFR: "numéros des idées, par ex. 1 4 7", MaxLength: 200},
		pTitle,
	},
	"consultation": {
		{Name: "action", FR: "action", Type: discordgo.ApplicationCommandOptionString, Required: true,
			DescEN: "what to do", DescFR: "que faire", Choices: []choice{
				{"new", "new", "nouvelle"},
				{"supporters yes", "supporters vote too", "les sympathisants votent aussi"},
				{"supporters no", "only members vote", "seuls les membres votent"},
			}},
		{Name: "title", FR: "titre", Type: discordgo.ApplicationCommandOptionString,
			DescEN: "the title (for new)", DescFR: "le titre (pour nouvelle)", MaxLength: 200},
	},
	"phase": {
		{Name: "phase", FR: "phase", Type: discordgo.ApplicationCommandOptionString, Required: true,
			DescEN: "the phase to move to", DescFR: "la phase où passer", Choices: []choice{
				{"collecting", "collecting ideas", "collecte des idées"},
				{"grouping", "grouping", "regroupement"},
				{"evaluating", "evaluation", "évaluation"},
				{"results", "results", "résultats"},
				{"adoption", "adoption vote", "vote d'adoption"},
				{"closed", "closed", "clôture"},
			}},
		pUntil,
	},
	"poll": {
		{Name: "action", FR: "action", Type: discordgo.ApplicationCommandOptionString,
			DescEN: "open, close, or turnout", DescFR: "ouvrir, fermer ou participation", Choices: []choice{
				{"open", "open", "ouvrir"},
				{"close", "close", "fermer"},
				{"status", "turnout", "participation"},
			}},
		pUntil,
	},
	"vote": {
		{Name: "choice", FR: "choix", Type: discordgo.ApplicationCommandOptionString, Required: true,
			DescEN: "your vote; organisers: close", DescFR: "votre vote ; organisateurs : fermer", Choices: []choice{
				{"yes", "yes", "oui"},
				{"no", "no", "non"},
				{"abstain", "abstain", "abstention"},
				{"close", "close the vote", "clore le vote"},
			}},
	},
	"synthesis": {
		{Name: "action", FR: "action", Type: discordgo.ApplicationCommandOptionString,
			DescEN: "organisers: put it to the vote", DescFR: "organisateurs : la soumettre au vote", Choices: []choice{
				{"vote", "put to the vote", "soumettre au vote"},
			}},
		{Name: "quorum", FR: "quorum", Type: discordgo.ApplicationCommandOptionInteger,
			DescEN: "quorum in percent", DescFR: "quorum en pourcentage", MinValue: 0, MaxValue: 100, hasMinimum: true},
		pUntil,
	},
	"invite": {
		{Name: "count", FR: "nombre", Type: discordgo.ApplicationCommandOptionInteger,
			DescEN: "how many codes (1 to 50)", DescFR: "combien de codes (1 à 50)", MinValue: 1, MaxValue: 50, hasMinimum: true},
		{Name: "role", FR: "role", Type: discordgo.ApplicationCommandOptionString,
			DescEN: "the role the codes give", DescFR: "le rôle que donnent les codes", Choices: []choice{
				{"member", "member", "membre"},
				{"supporter", "supporter (ideas, no vote)", "sympathisant·e (idées, sans vote)"},
			}},
	},
	"join":    {pCode},
	"link":    {{Name: "code", FR: "code", Type: discordgo.ApplicationCommandOptionString, DescEN: "the code from your other account; empty to get one", DescFR: "le code reçu sur votre autre compte ; vide pour en obtenir un", MaxLength: 20}},
	"claim":   {pCode},
	"verify":  {pUser},
	"suspend": {pUser},
	"role": {
		pUser,
		{Name: "role", FR: "role", Type: discordgo.ApplicationCommandOptionString, Required: true,
			DescEN: "the role", DescFR: "le rôle", Choices: []choice{
				{"supporter", "supporter", "sympathisant·e"},
				{"member", "member", "membre"},
				{"organiser", "organiser", "organisateur·rice"},
				{"admin", "admin", "admin"},
			}},
	},
}

// ApplicationCommands returns the slash commands the adapter registers:
// every command of the chat layer with its English name and description,
// French localisations, and organiser commands hidden by default from
// members who cannot manage the server (the bot's own roles still decide).
func ApplicationCommands() []*discordgo.ApplicationCommand {
	en, fr := bot.Commands(bot.English), bot.Commands(bot.French)
	manage := int64(discordgo.PermissionManageGuild)
	out := make([]*discordgo.ApplicationCommand, 0, len(en))
	for i, c := range en {
		cmd := &discordgo.ApplicationCommand{
			Type:                     discordgo.ChatApplicationCommand,
			Name:                     c.Name,
			Description:              clip(c.Description, 100),
			NameLocalizations:        &map[discordgo.Locale]string{},
			DescriptionLocalizations: &map[discordgo.Locale]string{discordgo.French: clip(fr[i].Description, 100)},
		}
		if local := commandName(fr[i].Local); local != "" && local != c.Name {
			(*cmd.NameLocalizations)[discordgo.French] = local
		}
		if c.Organiser {
			cmd.DefaultMemberPermissions = &manage
		}
		for _, p := range params[c.Name] {
			cmd.Options = append(cmd.Options, p.option())
		}
		out = append(out, cmd)
	}
	return out
}

func (p param) option() *discordgo.ApplicationCommandOption {
	o := &discordgo.ApplicationCommandOption{
		Type:                     p.Type,
		Name:                     p.Name,
		Description:              p.DescEN,
		DescriptionLocalizations: map[discordgo.Locale]string{discordgo.French: p.DescFR},
		Required:                 p.Required,
		MaxLength:                p.MaxLength,
	}
	if p.FR != p.Name {
		o.NameLocalizations = map[discordgo.Locale]string{discordgo.French: p.FR}
	}
	if p.hasMinimum {
		o.MinValue = &p.MinValue
		if p.MaxValue > 0 {
			o.MaxValue = p.MaxValue
		}
	}
	for _, c := range p.Choices {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{
			Name: c.EN, Value: c.Value,
			NameLocalizations: map[discordgo.Locale]string{discordgo.French: c.FR},
		})
	}
	return o
}

// commandName makes s a valid slash command name: lowercase, without
// accents or spaces.
func commandName(s string) string {
	var b strings.Builder
	for _, r := range bot.Fold(s) {
		if r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// commandText builds the command line the bot parses from a slash command,
// and the members its user options name.
func commandText(data discordgo.ApplicationCommandInteractionData) (string, []bot.User) {
	words := []string{"/" + data.Name}
	var mentions []bot.User
	for _, p := range params[data.Name] {
		o := option(data.Options, p.Name)
		if o == nil {
			continue
		}
		v := optionString(o)
		if v == "" {
			continue
		}
		switch p.Name {
		case "user":
			u := bot.User{ID: v}
			if data.Resolved != nil {
				if ru := data.Resolved.Users[v]; ru != nil {
					u.Username, u.Name = ru.Username, ru.GlobalName
					if u.Name == "" {
						u.Name = ru.Username
					}
				}
			}
			if u.Name == "" {
				u.Name = v
			}
			mentions = append(mentions, u)
			handle := u.Username
			if handle == "" {
				handle = v
			}
			words = append(words, "@"+strings.ReplaceAll(handle, " ", "_"))
		case "until":
			words = append(words, "until", v)
		case "quorum":
			words = append(words, "quorum", v)
		default:
			words = append(words, v)
		}
	}
	return strings.Join(words, " "), mentions
}

// register bulk-overwrites the application commands (idempotent across
// restarts), on the configured guild or globally.
func (a *Adapter) register(ctx context.Context) error {
	appID := a.ApplicationID()
	cmds := ApplicationCommands()
	err := retry(ctx, 5, maxRetryWait, func() error {
		_, err := a.sess.ApplicationCommandBulkOverwrite(appID, a.cfg.GuildID, cmds, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return fmt.Errorf("bulk overwrite: %w", err)
	}
	a.log.Info("commands registered", "commands", len(cmds), "guild", a.cfg.GuildID)
	return nil
}

// retry runs call up to attempts times while it fails with a rate limit
// (waiting the time Discord asks, when it is at most maxWait) or a server
// error.
func retry(ctx context.Context, attempts int, maxWait time.Duration, call func() error) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = call(); err == nil {
			return nil
		}
		wait, again := retryable(err, i)
		if !again || wait > maxWait || i == attempts-1 {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		}
	}
	return err
}

// maxRetryWait caps how long one retry waits for a rate limit to lift.
const maxRetryWait = 30 * time.Second

func retryable(err error, attempt int) (time.Duration, bool) {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		w := rl.RetryAfter
		if w <= 0 {
			w = 100 * time.Millisecond
		}
		return min(w, maxRetryWait), true
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 500 {
		return time.Duration(attempt+1) * 500 * time.Millisecond, true
	}
	return 0, false
}
