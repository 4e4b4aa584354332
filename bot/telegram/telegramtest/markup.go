package telegramtest

import (
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// commandEntities returns a bot_command entity for every /command or
// /command@BotName that starts a word of text.
func commandEntities(text string) []Entity {
	var es []Entity
	prev := ' '
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '/' && unicode.IsSpace(prev) {
			end := i + 1 + wordLen(text[i+1:])
			if end > i+1 {
				if end < len(text) && text[end] == '@' {
					if n := wordLen(text[end+1:]); n > 0 {
						end += 1 + n
					}
				}
				if end == len(text) || !isWordByte(text[end]) && text[end] != '/' {
					es = append(es, Entity{Type: "bot_command", Offset: utf16Len(text[:i]), Length: utf16Len(text[i:end])})
				}
			}
			prev = '/'
			i = end
			continue
		}
		prev = r
		i += size
	}
	return es
}

func wordLen(s string) int {
	n := 0
	for n < len(s) && isWordByte(s[n]) {
		n++
	}
	return n
}

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// checkMarkup checks text against parse mode and returns the text a user
// would read. Legacy Markdown is not checked.
func checkMarkup(text, parseMode string) (string, error) {
	switch parseMode {
	case "":
		return text, nil
	case "HTML":
		return checkHTML(text)
	case "MarkdownV2":
		return checkMarkdownV2(text)
	case "Markdown":
		return text, nil
	}
	return "", fmt.Errorf("unsupported parse_mode %q", parseMode)
}

var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "tg-emoji": true, "code": true, "pre": true, "blockquote": true,
}

// checkHTML follows the HTML rules of the Bot API documentation: only the
// supported tags, properly nested, and every '<', '>' and '&' outside a tag
// escaped as an entity. Telegram may accept some unescaped '>' or '&'; being
// stricter only rejects text that escaping makes safe anyway.
func checkHTML(text string) (string, error) {
	var plain strings.Builder
	var open []string
	for i := 0; i < len(text); {
		switch text[i] {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("Unclosed start tag at byte offset %d", i)
			}
			tag := text[i+1 : i+end]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				name = strings.ToLower(strings.TrimSpace(name))
				if len(open) == 0 {
					return "", fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				if top := open[len(open)-1]; top != name {
					return "", fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)
				}
				open = open[:len(open)-1]
			} else {
				name := tag
				if n := strings.IndexFunc(tag, func(r rune) bool { return unicode.IsSpace(r) || r == '/' }); n >= 0 {
					name = tag[:n]
				}
				name = strings.ToLower(name)
				if !htmlTags[name] {
					return "", fmt.Errorf("Unsupported start tag %q at byte offset %d", name, i)
				}
				if name == "a" && !strings.Contains(tag, "href=") {
					return "", fmt.Errorf("Can't find href attribute of tag \"a\" at byte offset %d", i)
				}
				open = append(open, name)
			}
			i += end + 1
		case '&':
			end := strings.IndexByte(text[i:], ';')
			if end < 0 || !validEntity(text[i+1:i+end]) {
				return "", fmt.Errorf("character '&' at byte offset %d must be escaped as &amp;", i)
			}
			plain.WriteString(html.UnescapeString(text[i : i+end+1]))
			i += end + 1
		case '>':
			return "", fmt.Errorf("character '>' at byte offset %d must be escaped as &gt;", i)
		default:
			plain.WriteByte(text[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", open[len(open)-1])
	}
	return plain.String(), nil
}

func validEntity(name string) bool {
	switch name {
	case "lt", "gt", "amp", "quot":
		return true
	}
	if digits, ok := strings.CutPrefix(name, "#"); ok && digits != "" {
		if hex, ok := strings.CutPrefix(digits, "x"); ok {
			digits = hex
		}
		return digits != "" && strings.Trim(digits, "0123456789abcdefABCDEF") == ""
	}
	return false
}

// checkMarkdownV2 follows Telegram's MarkdownV2 rules: the characters
// _*[]()~`>#+-=|{}.! must be escaped with '\' unless they are markup, and
// every entity must be closed.
func checkMarkdownV2(text string) (string, error) {
	var plain strings.Builder
	var open []string // markers of the open entities
	isOpen := func(m string) bool { return len(open) > 0 && open[len(open)-1] == m }
	toggle := func(m string) {
		if isOpen(m) {
			open = open[:len(open)-1]
		} else {
			open = append(open, m)
		}
	}
	names := map[string]string{"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough", "||": "Spoiler", "[": "TextUrl"}
	lineStart := true
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\\':
			if i+1 >= len(text) {
				return "", fmt.Errorf("Character '\\' is reserved and must be escaped with the preceding '\\'")
			}
			_, size := utf8.DecodeRuneInString(text[i+1:])
			plain.WriteString(text[i+1 : i+1+size])
			i += 1 + size
		case c == '`':
			fence := "`"
			if strings.HasPrefix(text[i:], "```") {
				fence = "```"
			}
			end := i + len(fence)
			for end < len(text) && !strings.HasPrefix(text[end:], fence) {
				if text[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(text) {
				return "", fmt.Errorf("Can't find end of %s entity at byte offset %d", map[string]string{"`": "Code", "```": "Pre"}[fence], i)
			}
			code := text[i+len(fence) : end]
			if fence == "```" {
				if nl := strings.IndexByte(code, '\n'); nl >= 0 && !strings.ContainsAny(code[:nl], " \t") {
					code = code[nl+1:]
				}
			}
			plain.WriteString(strings.NewReplacer("\\`", "`", "\\\\", "\\").Replace(code))
			i = end + len(fence)
		case c == '_' && strings.HasPrefix(text[i:], "__"):
			toggle("__")
			i += 2
		case c == '|' && strings.HasPrefix(text[i:], "||"):
			toggle("||")
			i += 2
		case c == '*' || c == '_' || c == '~':
			toggle(string(c))
			i++
		case c == '[':
			open = append(open, "[")
			i++
		case c == ']':
			if !isOpen("[") {
				return "", fmt.Errorf("Character ']' is reserved and must be escaped with the preceding '\\'")
			}
			if !strings.HasPrefix(text[i:], "](") {
				return "", fmt.Errorf("Can't find end of TextUrl entity at byte offset %d", i)
			}
			end := i + 2
			for end < len(text) && text[end] != ')' {
				if text[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(text) {
				return "", fmt.Errorf("Can't find end of TextUrl entity at byte offset %d", i)
			}
			open = open[:len(open)-1]
			i = end + 1
		case c == '>' && lineStart:
			i++
		case strings.IndexByte("[]()~`>#+-=|{}.!", c) >= 0:
			return "", fmt.Errorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
		default:
			_, size := utf8.DecodeRuneInString(text[i:])
			plain.WriteString(text[i : i+size])
			i += size
		}
		lineStart = i > 0 && text[i-1] == '\n'
	}
	if len(open) > 0 {
		m := open[len(open)-1]
		return "", fmt.Errorf("Can't find end of %s entity", names[m])
	}
	return plain.String(), nil
}
