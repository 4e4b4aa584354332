package similar

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
)

// foldTable maps accented Latin letters (already lower-cased) to their ASCII base.
var foldTable = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a",
	'ç': "c", 'ć': "c", 'č': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ę': "e", 'ě': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i",
	'ñ': "n", 'ń': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u",
	'ý': "y", 'ÿ': "y",
	'œ': "oe", 'æ': "ae", 'ß': "ss",
	'š': "s", 'ś': "s", 'ž': "z", 'ź': "z", 'ż': "z", 'ł': "l", 'ř': "r",
}

// elisions lists the French words that lose their vowel before an apostrophe.
var elisions = map[string]bool{
	"l": true, "d": true, "j": true, "m": true, "n": true, "s": true, "t": true,
	"c": true, "qu": true, "jusqu": true, "lorsqu": true, "puisqu": true,
	"quoiqu": true, "presqu": true,
}

// isApostrophe reports whether r is a straight or typographic apostrophe.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', '`', '´':
		return true
	}
	return false
}

// fold lower-cases s and replaces accented letters by their ASCII base.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Normalize returns the exact-duplicate key of text: lower case, accents folded,
// punctuation and symbols dropped, and runs of spaces collapsed to one.
// Apostrophes separate words, so "l'école" and "l’ecole" share the key "l ecole".
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			r = unicode.ToLower(r)
			if f, ok := foldTable[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
			continue
		}
		if unicode.IsMark(r) {
			continue
		}
		space = true
	}
	return b.String()
}

// words splits text into lower-cased words, dropping French elided articles and
// pronouns (l', d', qu', j'…) and English possessive or contracted endings.
// Words keep their accents: the French stemmer needs them.
func words(text string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, unicode.ToLower(r))
		case unicode.IsMark(r):
		case isApostrophe(r) && len(cur) > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			w := string(cur)
			if elisions[w] {
				cur = cur[:0]
				continue
			}
			// English: keep the stem before 's, 't, 're, 'll, 've, 'd, 'm.
			flush()
			for i+1 < len(rs) && unicode.IsLetter(rs[i+1]) {
				i++
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// language is the stemmer chosen for one text.
type language int

const (
	langFrench language = iota
	langEnglish
)

// detect guesses whether the words are English rather than French by counting
// stop words of each language; French wins ties, including texts with none.
func detect(ws []string) language {
	fr, en := 0, 0
	for _, w := range ws {
		f := fold(w)
		if frenchStop[f] {
			fr++
		}
		if englishStop[f] {
			en++
		}
	}
	if en >= 2 && en > fr {
		return langEnglish
	}
	return langFrench
}

// stemmer turns words into index terms, remembering the stems it has computed.
// The zero value is ready to use; it is not safe for concurrent use.
type stemmer struct {
	cache map[[2]string]string
}

// stem returns the folded stem of w in language lang.
func (s *stemmer) stem(w string, lang language) string {
	if s.cache == nil {
		s.cache = make(map[[2]string]string)
	}
	key := [2]string{w, "fr"}
	if lang == langEnglish {
		key[1] = "en"
	}
	if t, ok := s.cache[key]; ok {
		return t
	}
	var t string
	switch {
	case hasDigit(w):
		t = fold(w)
	case lang == langEnglish:
		t = fold(english.Stem(w, true))
	default:
		t = fold(french.Stem(w, true))
	}
	s.cache[key] = t
	return t
}

// tokens returns the terms of text: words, stop words removed, stemmed.
func (s *stemmer) tokens(text string) []string {
	ws := words(text)
	lang := detect(ws)
	out := ws[:0]
	for _, w := range ws {
		f := fold(w)
		if frenchStop[f] || englishStop[f] {
			continue
		}
		if utf8.RuneCountInString(f) < 2 && !hasDigit(f) {
			continue
		}
		out = append(out, s.stem(w, lang))
	}
	return out
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			return true
		}
	}
	return false
}

// Tokens returns the index terms of text: lower-cased words with elisions
// removed, French and English stop words dropped, each word stemmed (with the
// English stemmer when the text looks English, the French one otherwise) and
// its accents folded. The result may be empty.
func Tokens(text string) []string {
	var s stemmer
	return s.tokens(text)
}
