package console_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"atelier/bot"
	"atelier/bot/console"
	"atelier/consultation"
	"atelier/consultation/clocktest"
	"atelier/consultation/similar"
	"atelier/storage"
)

var update = flag.Bool("update", false, "rewrite golden files")

// seeded is a deterministic random source for salts.
type seeded struct{ r *rand.ChaCha8 }

func (s seeded) Read(p []byte) (int, error) { return s.r.Read(p) }

// MustBot returns a chat layer on a fresh SQLite file, with a stepping clock
// starting on 23 November 2026 at 09:00 in Paris and "admin" as the admin.
func MustBot(tb testing.TB, locale string) *bot.Bot {
	tb.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(tb.TempDir(), "atelier.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		tb.Fatal(err)
	}
	svc := consultation.NewService(st, consultation.Options{
		Clock:      clocktest.Stepping(time.Date(2026, 11, 23, 9, 0, 0, 0, paris), time.Second),
		Random:     seeded{rand.NewChaCha8([32]byte{1})},
		Admins:     []consultation.Identity{{Platform: consultation.Console, UserID: "admin"}},
		Similarity: similar.NewIdeas(similar.DefaultOptions()),
	})
	return bot.New(svc, bot.Config{Locale: locale, TimeZone: "Europe/Paris"}, nil)
}

func TestTranscripts(t *testing.T) {
	for _, tc := range []struct{ script, locale string }{
		{"consultation", "fr"},
		{"consultation-en", "en"},
		{"suggest", "fr"},
		{"members", "fr"},
	} {
		t.Run(tc.script, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tc.script+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			b := MustBot(t, tc.locale)
			if tc.script == "members" {
				// The console cannot read a file: the membership list
				// is imported as `atelier members import` would.
				_, err := b.Service().ImportRoster(context.Background(), []consultation.RosterEntry{
					{Number: "30-0012", Name: "Dan Martin", Section: "Nîmes"},
					{Number: "30-0013", Name: "Eve Durand", Section: "Alès"},
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			c := console.New(b, &out, console.Options{Echo: true})
			if err := c.Run(context.Background(), bytes.NewReader(in)); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.script+".golden")
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("transcript differs from %s (run go test ./bot/console -update and review the diff):\n%s", golden, firstDiff(out.String(), string(want)))
			}
		})
	}
}

func firstDiff(got, want string) string {
	g, w := bytes.Split([]byte(got), []byte("\n")), bytes.Split([]byte(want), []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b []byte
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if !bytes.Equal(a, b) {
			return "line " + strconv.Itoa(i+1) + "\n got: " + string(a) + "\nwant: " + string(b)
		}
	}
	return ""
}

func TestRunStopsWithContext(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() { done <- console.New(MustBot(t, "fr"), &out, console.Options{}).Run(ctx, r) }()
	if _, err := io.WriteString(w, "admin: /aide\n"); err != nil {
		t.Fatal(err)
	}
	cancel() // the terminal is still open: Run must return all the same
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestPost(t *testing.T) {
	var out bytes.Buffer
	c := console.New(MustBot(t, "fr"), &out, console.Options{})
	replies := []bot.Reply{
		{To: bot.Here, Text: bot.Plain("Phase évaluation"), Buttons: [][]bot.Button{{{Label: "Évaluer", Data: "b_1"}}}},
		{To: bot.Private, Text: bot.Plain("not for a group")},
	}
	if err := c.Post(context.Background(), "nimes", replies); err != nil {
		t.Fatal(err)
	}
	want := "bot → nimes:\n  Phase évaluation\n  [1] Évaluer\n"
	if out.String() != want {
		t.Errorf("Post printed %q; want %q", out.String(), want)
	}
	// Its buttons can be pressed like an answer's.
	out.Reset()
	c.Line(context.Background(), 1, "bob@nimes: #2")
	if got := out.String(); got != "! line 1: no button #2 in nimes\n" {
		t.Errorf("pressing a missing button printed %q", got)
	}
	out.Reset()
	c.Line(context.Background(), 2, "bob@nimes: #1")
	// There is no consultation 1: the bot answers that the button is not
	// valid, which shows the press reached it.
	if got := out.String(); got != "(notice → bob) Ce bouton n'est pas valide.\n" {
		t.Errorf("pressing the posted button printed %q; want the bot's answer", got)
	}
}
