// Package console is a chat adapter on standard input and output: a way to
// try Atelier with no account, and to script conversations in tests.
//
// Each input line is one person speaking:
//
//	alice: /idea Créer un intranet      alice speaks in the group chat "main"
//	alice@nimes: /ideas                 alice speaks in the group chat "nimes"
//	alice@dm: /rate                     alice speaks in her private chat with the bot
//	alice@dm: #3                        alice presses button 3 of the last message
//	                                    with buttons in that chat
//	// a comment                        ignored
//
// Every bot message is printed with the chat it went to and its buttons
// numbered; a message to another member's private chat goes to "name@dm". The output depends only on the input, so scripted runs can be
// compared with golden transcripts.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"atelier/bot"
	"atelier/consultation"
)

// Options configure a console session.
type Options struct {
	// Echo prints each input line before the bot's answers, for
	// transcripts and piped input.
	Echo bool
	// FileDir, when set, is where attached files are written.
	FileDir string
}

// Console is one console chat session.
type Console struct {
	bot *bot.Bot
	out io.Writer
	opt Options
	// mu serialises printing: the bot's own messages (Post) arrive from
	// another goroutine than the answers to input lines.
	mu   sync.Mutex
	last map[string][]bot.Button // chat → buttons of its last message that had some
}

// New returns a console session on b writing to out.
func New(b *bot.Bot, out io.Writer, opt Options) *Console {
	return &Console{bot: b, out: out, opt: opt, last: make(map[string][]bot.Button)}
}

// Run reads lines from in until it ends or ctx is done. A line being
// handled when ctx ends is finished first.
func (c *Console) Run(ctx context.Context, in io.Reader) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	// Reading blocks on the terminal, so it has its own goroutine; it ends
	// with the input, or is abandoned to the process's exit when ctx ends.
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case line := <-lines:
			c.Line(ctx, n, line)
		}
	}
}

// Line handles one input line.
func (c *Console) Line(ctx context.Context, n int, line string) {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" {
		return
	}
	if c.opt.Echo {
		c.printf("%s\n", line)
	}
	if strings.HasPrefix(trimmed, "//") {
		return
	}
	who, text, ok := strings.Cut(trimmed, ":")
	name, chat, _ := strings.Cut(strings.TrimSpace(who), "@")
	text = strings.TrimSpace(text)
	if !ok || !validName(name) || (chat != "" && !validName(chat)) {
		c.printf("! line %d: expected \"name: message\", \"name@chat: message\" or \"name@dm: message\"\n", n)
		return
	}
	if chat == "" {
		chat = "main"
	}
	ev := bot.Event{
		Platform: consultation.Console,
		From:     bot.User{ID: name, Username: name, Name: name},
		Chat:     bot.Chat{ID: chat, Title: chat},
	}
	key := chat
	if chat == "dm" {
		ev.Chat = bot.Chat{ID: "dm:" + name, Private: true}
		key = name + "@dm"
	}
	if strings.HasPrefix(text, "#") {
		i, err := strconv.Atoi(text[1:])
		c.mu.Lock()
		buttons := c.last[key]
		c.mu.Unlock()
		if err != nil || i < 1 || i > len(buttons) {
			c.printf("! line %d: no button %s in %s\n", n, text, key)
			return
		}
		ev.Data = buttons[i-1].Data
	} else {
		ev.Text = text
	}
	replies := c.bot.Handle(ctx, ev)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range replies {
		to, user := key, name
		switch r.To {
		case bot.Private:
			to = name + "@dm"
		case bot.Direct:
			// Console user ids are the names people type.
			if !validName(r.UserID) {
				continue
			}
			to, user = r.UserID+"@dm", r.UserID
		}
		c.print(to, user, r)
	}
}

// Post prints the bot's own messages to a group chat, as "bot → chat:"
// like answers, and its Direct replies to their recipients' private chats.
// It implements bot.Poster.
func (c *Console) Post(ctx context.Context, chatID string, replies []bot.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range replies {
		switch {
		case r.To == bot.Here:
			c.print(chatID, "", r)
		case r.To == bot.Direct && validName(r.UserID):
			c.print(r.UserID+"@dm", r.UserID, r)
		}
	}
	return nil
}

// printf writes to the output between whole messages.
func (c *Console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format, args...)
}

func validName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func (c *Console) print(to, user string, r bot.Reply) {
	if r.Toast != "" && r.Text == nil {
		fmt.Fprintf(c.out, "(notice → %s) %s\n", user, r.Toast)
		return
	}
	head := "bot → " + to
	if r.Edit {
		head += " (edited)"
	}
	fmt.Fprintln(c.out, head+":")
	for _, line := range strings.Split(strings.TrimRight(r.Text.String(), "\n"), "\n") {
		fmt.Fprintln(c.out, "  "+line)
	}
	if len(r.Buttons) > 0 {
		var all []bot.Button
		for _, row := range r.Buttons {
			var cells []string
			for _, b := range row {
				all = append(all, b)
				cells = append(cells, fmt.Sprintf("[%d] %s", len(all), b.Label))
			}
			fmt.Fprintln(c.out, "  "+strings.Join(cells, "  "))
		}
		c.last[to] = all
	}
	for _, f := range r.Files {
		fmt.Fprintf(c.out, "  [file %s, %s]\n", f.Name, f.MIME)
		if c.opt.FileDir != "" {
			path := filepath.Join(c.opt.FileDir, filepath.Base(f.Name))
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				fmt.Fprintf(c.out, "  ! could not write %s: %v\n", path, err)
			} else {
				fmt.Fprintf(c.out, "  (written to %s)\n", path)
			}
		}
	}
	if r.Toast != "" {
		fmt.Fprintf(c.out, "(notice → %s) %s\n", user, r.Toast)
	}
}
