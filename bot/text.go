package bot

import "strings"

// Style is how a span of text is shown.
type Style uint8

// Styles. Adapters map them to their markup and escape every span, so a
// member's words can never turn into markup.
const (
	Normal Style = iota
	Bold
	Italic
	Code
)

// Span is a run of text in one style.
type Span struct {
	Text  string
	Style Style
}

// Text is a message's text as styled spans.
type Text []Span

// Plain returns a text of one unstyled span.
func Plain(s string) Text { return Text{{Text: s}} }

// Add appends s in style st.
func (t *Text) Add(st Style, s string) *Text {
	if s != "" {
		*t = append(*t, Span{Text: s, Style: st})
	}
	return t
}

// Line appends s followed by a line break.
func (t *Text) Line(s string) *Text { return t.Add(Normal, s+"\n") }

// String returns the text without styles.
func (t Text) String() string {
	var b strings.Builder
	for _, s := range t {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Len returns the text's length in runes.
func (t Text) Len() int {
	n := 0
	for _, s := range t {
		n += len([]rune(s.Text))
	}
	return n
}

// Split cuts t into texts of at most max runes each, preferring line breaks,
// and never cutting inside a rune. Styles carry over the cuts.
func (t Text) Split(max int) []Text {
	if t.Len() <= max {
		return []Text{t}
	}
	var out []Text
	var cur Text
	n := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur, n = nil, 0
	}
	for _, sp := range t {
		for _, line := range strings.SplitAfter(sp.Text, "\n") {
			r := []rune(line)
			for len(r) > 0 {
				room := max - n
				if len(r) <= room {
					cur = append(cur, Span{Text: string(r), Style: sp.Style})
					n += len(r)
					break
				}
				if n > 0 {
					flush()
					continue
				}
				cur = append(cur, Span{Text: string(r[:room]), Style: sp.Style})
				r = r[room:]
				flush()
			}
		}
	}
	flush()
	return out
}
