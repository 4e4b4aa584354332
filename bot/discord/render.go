package discord

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"atelier/bot"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits.
const (
	maxContent     = 2000 // characters of a message's content
	maxDescription = 4096 // characters of an embed's description
	maxEmbedTotal  = 6000 // characters of all embeds of a message
	maxEmbeds      = 10
	maxRows        = 5
	maxRowButtons  = 5
	maxButtonLabel = 80
	maxCustomID    = 100
	embedColour    = 0x5865F2
	zeroWidthSpace = "\u200b"
)

// message is one message to send, platform-ready.
type message struct {
	ephemeral  bool
	edit       bool
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	files      []bot.File
}

// noMentions allows no mention at all: members' words never ping anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// Markdown renders t as Discord markdown: every span is escaped so that
// members' words cannot become markup or mentions, then Bold, Italic and
// Code become **…**, *…* and `…`.
func Markdown(t bot.Text) string {
	var b strings.Builder
	lineStart := true
	prevStyled := false
	for _, sp := range t {
		if sp.Text == "" {
			continue
		}
		styled := sp.Style != bot.Normal
		// Markers of two styled spans side by side would merge (***).
		if styled && prevStyled && !lineStart {
			b.WriteString(zeroWidthSpace)
		}
		for i, line := range strings.Split(sp.Text, "\n") {
			if i > 0 {
				b.WriteByte('\n')
				lineStart = true
			}
			if line == "" {
				continue
			}
			lineStart = writeSpan(&b, line, sp.Style, lineStart)
		}
		prevStyled = styled
	}
	return b.String()
}

// writeSpan writes one line of a span and reports whether the output is
// still at the start of a line (only if nothing was written).
func writeSpan(b *strings.Builder, line string, st bot.Style, lineStart bool) bool {
	if st == bot.Normal {
		b.WriteString(escape(line, lineStart))
		return false
	}
	// Emphasis markers must touch the text: keep spaces outside.
	core := strings.TrimSpace(line)
	lead := line[:strings.Index(line, core)]
	trail := line[len(lead)+len(core):]
	if core == "" {
		b.WriteString(line)
		return lineStart && line == ""
	}
	b.WriteString(lead)
	switch st {
	case bot.Bold:
		b.WriteString("**" + escape(core, false) + "**")
	case bot.Italic:
		b.WriteString("*" + escape(core, false) + "*")
	case bot.Code:
		// Nothing is escaped inside code; backticks cannot be, so they
		// are replaced by a look-alike.
		b.WriteString("`" + strings.ReplaceAll(core, "`", "ˋ") + "`")
	default:
		b.WriteString(escape(core, false))
	}
	b.WriteString(trail)
	return false
}

// escape backslash-escapes everything Discord would read as markup,
// mentions or emoji in s; lineStart says s begins a line, where headings,
// quotes and list markers are recognised.
func escape(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	start := lineStart
	for _, r := range s {
		if start && unicode.IsSpace(r) {
			b.WriteRune(r)
			continue
		}
		switch r {
		case '\\', '*', '_', '~', '`', '|', '[', ']', '(', ')', '@', '<', ':':
			b.WriteByte('\\')
		case '>', '#', '-', '+':
			if start {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
		start = false
	}
	return b.String()
}

// chunks cuts t into rendered pieces of at most max characters each.
func chunks(t bot.Text, max int) []string {
	size := max
	for {
		parts := t.Split(size)
		out := make([]string, 0, len(parts))
		fits := true
		for _, p := range parts {
			s := strings.TrimRight(Markdown(p), "\n ")
			if utf8.RuneCountInString(s) > max {
				fits = false
				break
			}
			if s != "" {
				out = append(out, s)
			}
		}
		if fits || size <= 64 {
			if !fits {
				for i, s := range out {
					out[i] = clip(s, max)
				}
			}
			return out
		}
		size = size * 3 / 4
	}
}

// render turns a reply into the messages that show it. The text goes in the
// message content when it fits and no picture is attached; otherwise in
// embeds (the results with their matrix picture), split over several
// messages when it must. Buttons and files go with the last message.
func render(r bot.Reply) []message {
	ephemeral := r.To == bot.Private
	if r.Text.Len() == 0 && len(r.Buttons) == 0 && len(r.Files) == 0 {
		if r.Toast == "" {
			return nil
		}
		return []message{{ephemeral: true, content: escape(r.Toast, true)}}
	}
	comps := buttons(r.Buttons)
	var image string
	for _, f := range r.Files {
		if f.Image && image == "" {
			image = f.Name
		}
	}
	var out []message
	md := strings.TrimRight(Markdown(r.Text), "\n ")
	switch {
	case md == "":
		out = []message{{}}
	case image == "" && utf8.RuneCountInString(md) <= maxContent:
		out = []message{{content: md}}
	default:
		var cur message
		total := 0
		for _, c := range chunks(r.Text, maxDescription) {
			n := utf8.RuneCountInString(c)
			if len(cur.embeds) > 0 && (total+n > maxEmbedTotal || len(cur.embeds) == maxEmbeds) {
				out = append(out, cur)
				cur, total = message{}, 0
			}
			cur.embeds = append(cur.embeds, &discordgo.MessageEmbed{Description: c, Color: embedColour})
			total += n
		}
		out = append(out, cur)
	}
	last := &out[len(out)-1]
	last.components = comps
	last.files = r.Files
	if image != "" {
		img := &discordgo.MessageEmbedImage{URL: "attachment://" + image}
		if len(last.embeds) == 0 {
			last.embeds = append(last.embeds, &discordgo.MessageEmbed{Color: embedColour})
		}
		last.embeds[len(last.embeds)-1].Image = img
	}
	for i := range out {
		out[i].ephemeral = ephemeral
	}
	if r.Edit {
		// An edit replaces one message: keep what fits in it.
		out[0].edit = true
		out[0].components, out[0].files = last.components, last.files
		out = out[:1]
	}
	return out
}

// buttons lays buttons out in action rows of at most five, five rows at
// most; longer rows wrap.
func buttons(rows [][]bot.Button) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	seen := map[string]bool{}
	for _, row := range rows {
		var cur []discordgo.MessageComponent
		for _, btn := range row {
			if btn.Data == "" || len(btn.Data) > maxCustomID || seen[btn.Data] {
				continue
			}
			seen[btn.Data] = true
			label := clip(btn.Label, maxButtonLabel)
			if label == "" {
				label = "·"
			}
			style := discordgo.SecondaryButton
			if btn.Start {
				style = discordgo.PrimaryButton
			}
			cur = append(cur, discordgo.Button{Label: label, Style: style, CustomID: btn.Data})
			if len(cur) == maxRowButtons {
				out = append(out, discordgo.ActionsRow{Components: cur})
				cur = nil
			}
		}
		if len(cur) > 0 {
			out = append(out, discordgo.ActionsRow{Components: cur})
		}
	}
	if len(out) > maxRows {
		out = out[:maxRows]
	}
	return out
}

func discordFiles(fs []bot.File) []*discordgo.File {
	out := make([]*discordgo.File, 0, len(fs))
	for _, f := range fs {
		out = append(out, &discordgo.File{Name: f.Name, ContentType: f.MIME, Reader: bytes.NewReader(f.Data)})
	}
	return out
}
