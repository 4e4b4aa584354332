package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Command is a parsed chat command.
type Command struct {
	Name string // canonical English name, e.g. "idea"
	Word string // as typed, without the slash and bot name, e.g. "idee"
	Args string // the rest, trimmed
}

// aliases maps every accepted command word to its canonical name.
var aliases = map[string]string{}

// commands lists canonical names with their French aliases, in help order.
var commands = []struct {
	name    string
	aliases []string
	organ   bool // for organisers
}{
	{"help", []string{"aide", "start"}, false},
	{"idea", []string{"idee"}, false},
	{"ideas", []string{"idees"}, false},
	{"withdraw", []string{"retirer"}, false},
	{"support", []string{"soutenir"}, false},
	{"proposals", []string{"propositions"}, false},
	{"consultations", nil, false},
	{"calendar", []string{"calendrier"}, false},
	{"rate", []string{"evaluer", "noter"}, false},
	{"results", []string{"resultats"}, false},
	{"synthesis", []string{"synthese"}, false},
	{"vote", nil, false},
	{"digest", []string{"resume"}, false},
	{"join", []string{"rejoindre"}, false},
	{"link", []string{"lier"}, false},
	{"unlink", []string{"delier"}, false},
	{"claim", []string{"revendiquer"}, false},
	{"mute", []string{"silence"}, false},
	{"unmute", []string{"reactiver"}, false},
	{"consultation", nil, true},
	{"phase", nil, true},
	{"group", []string{"regrouper"}, true},
	{"suggest", []string{"suggestions"}, true},
	{"ungroup", []string{"degrouper"}, true},
	{"rename", []string{"renommer"}, true},
	{"poll", []string{"sondage"}, true},
	{"verify", []string{"verifier"}, true},
	{"invite", []string{"inviter"}, true},
	{"suspend", []string{"suspendre"}, true},
	{"role", nil, true},
	{"members", []string{"membres"}, true},
	{"log", []string{"journal"}, true},
	{"export", []string{"exporter"}, true},
}

func init() {
	for _, c := range commands {
		aliases[c.name] = c.name
		for _, a := range c.aliases {
			aliases[a] = c.name
		}
	}
}

// MaxCommandLen bounds what the parser reads: longer messages are refused
// before parsing.
const MaxCommandLen = 8192

// ParseCommand parses "/word@BotName args". Accents in the word are
// optional (/idée = /idee) and case does not matter. An unknown word yields
// a Command with an empty Name so that the caller can suggest /help. It
// reports false when text is not a command at all.
func ParseCommand(text string) (Command, bool) {
	text = strings.TrimLeftFunc(text, unicode.IsSpace)
	if !strings.HasPrefix(text, "/") || !utf8.ValidString(text) {
		return Command{}, false
	}
	rest := text[1:]
	end := strings.IndexFunc(rest, unicode.IsSpace)
	word, args := rest, ""
	if end >= 0 {
		word, args = rest[:end], rest[end:]
	}
	if at := strings.IndexByte(word, '@'); at >= 0 {
		word = word[:at]
	}
	if word == "" {
		return Command{}, false
	}
	word = Fold(word)
	return Command{Name: aliases[word], Word: word, Args: strings.TrimSpace(args)}, true
}

// Fold lowercases s and strips the French accents people type or omit, so
// that /idée, /IDEE and /idee are one command.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'à', 'â', 'ä':
			r = 'a'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'î', 'ï':
			r = 'i'
		case 'ô', 'ö':
			r = 'o'
		case 'ù', 'û', 'ü':
			r = 'u'
		case 'ç':
			r = 'c'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// firstWord splits s into its first word (folded) and the rest.
func firstWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return Fold(s), ""
	}
	return Fold(s[:i]), strings.TrimSpace(s[i:])
}

// CommandInfo describes a command for a platform's command menu.
type CommandInfo struct {
	Name        string // the canonical English name
	Local       string // the name shown in the language asked for
	Description string
	Organiser   bool // meant for organisers
}

// Commands lists the commands with their descriptions in l, in help order.
func Commands(l Lang) []CommandInfo {
	out := make([]CommandInfo, 0, len(commands))
	for _, c := range commands {
		out = append(out, CommandInfo{Name: c.name, Local: l.command(c.name), Description: l.T("help." + c.name), Organiser: c.organ})
	}
	return out
}
