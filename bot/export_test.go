package bot_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"atelier/bot"
	"atelier/consultation"
)

type person struct {
	id, username, name string
	scores             [3][2]int // impact, effort of P1..P3
}

// TestExportKeepsBallotsSecret runs a whole consultation, exports it twice,
// and searches every export file, audit entry, reply and log line for a
// member identifier next to that member's ratings.
func TestExportKeepsBallotsSecret(t *testing.T) {
	mh := newMemberHarness(t, "en")
	var logs bytes.Buffer
	mh.bot = bot.New(mh.svc, bot.Config{Locale: "en", TimeZone: "Europe/Paris"}, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	// Each member's ratings are unique on every proposal.
	people := []person{
		{"admin", "ada_root", "Ada Root", [3][2]int{{1, 1}, {2, 3}, {3, 5}}},
		{"u-alice", "alice_m", "Alice Martin", [3][2]int{{2, 2}, {3, 4}, {4, 1}}},
		{"u-bob", "bob_l", "Bob Lefèvre", [3][2]int{{3, 3}, {4, 5}, {5, 2}}},
		{"u-carol", "carol_d", "Carol Dubois", [3][2]int{{4, 4}, {5, 1}, {1, 3}}},
		{"u-dave", "dave_k", "Dave Klein", [3][2]int{{5, 5}, {1, 2}, {2, 4}}},
	}
	var replies []bot.Reply
	send := func(p person, chat, text, data string) string {
		t.Helper()
		ev := bot.Event{Platform: consultation.Console, From: bot.User{ID: p.id, Username: p.username, Name: p.name}, Text: text, Data: data,
			Chat: bot.Chat{ID: "main", Title: "main"}}
		if chat == "dm" {
			ev.Chat = bot.Chat{ID: "dm:" + p.id, Private: true}
		}
		out := mh.bot.Handle(context.Background(), ev)
		replies = append(replies, out...)
		var s []string
		for _, r := range out {
			s = append(s, r.Text.String()+r.Toast)
		}
		return strings.Join(s, "\n")
	}
	admin, alice := people[0], people[1]
	for _, p := range people {
		send(p, "", "/consultations", "")
	}
	send(admin, "", "/role @alice_m organiser", "")
	for _, p := range people[2:] {
		send(alice, "", "/verify @"+p.username, "")
	}
	send(alice, "", "/consultation new Section life", "")
	send(alice, "", "/phase collecting", "")
	for i, text := range []string{"Car-sharing to meetings", "Training for newcomers", "A new logo"} {
		send(people[2+i], "", "/idea "+text, "")
	}
	for i, title := range []string{"Car-sharing", "Training", "Logo"} {
		send(alice, "", "/group "+strconv.Itoa(i+1)+" "+title, "")
	}
	send(alice, "", "/poll open", "")
	for _, p := range people {
		for n, s := range p.scores {
			send(p, "dm", "", dataFor(n+1, "i", s[0]))
			send(p, "dm", "", dataFor(n+1, "e", s[1]))
		}
	}
	send(alice, "", "/poll", "")
	send(alice, "", "/poll close", "")
	if got := send(alice, "", "/results", ""); !strings.Contains(got, "5 voters") {
		t.Fatalf("results = %q", got)
	}
	first := send(alice, "", "/export", "")
	if !strings.Contains(first, "15 ratings") {
		t.Fatalf("/export = %q", first)
	}
	send(alice, "", "/export", "")
	send(alice, "", "/log", "")
	if got := send(people[2], "", "/export", ""); !strings.Contains(got, "for organisers") {
		t.Errorf("/export by a member = %q", got)
	}

	var files [][]byte
	var csvs [][][]string
	var lines []string
	for _, r := range replies {
		lines = append(lines, strings.Split(r.Text.String()+"\n"+r.Toast, "\n")...)
		for _, f := range r.Files {
			if f.Image {
				continue // the results' matrix picture
			}
			files = append(files, f.Data)
			lines = append(lines, strings.Split(string(f.Data), "\n")...)
			if strings.HasSuffix(f.Name, ".csv") {
				rows, err := csv.NewReader(bytes.NewReader(f.Data)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				csvs = append(csvs, rows[1:])
			}
			if strings.HasSuffix(f.Name, ".json") && !json.Valid(f.Data) {
				t.Errorf("%s is not valid JSON", f.Name)
			}
		}
	}
	if len(files) != 4 || len(csvs) != 2 {
		t.Fatalf("got %d files, %d CSV; want 4 files from two exports", len(files), len(csvs))
	}
	if !bytes.Contains(files[0], []byte(`"author": "Bob Lefèvre"`)) || !bytes.Contains(files[0], []byte(`"ideas": [`)) {
		t.Errorf("the JSON export lacks authors or proposals' ideas:\n%s", files[0])
	}
	audit, err := mh.svc.AuditLog(t0ctx(), consultation.Actor{MemberID: 1}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	exported := false
	for _, e := range audit {
		lines = append(lines, fmt.Sprintf("%+v", *e))
		exported = exported || e.Action == consultation.ActExport
	}
	if !exported {
		t.Error("no audit entry for the export")
	}
	lines = append(lines, strings.Split(logs.String(), "\n")...)

	c, err := mh.svc.Consultation(t0ctx(), 1)
	if err != nil {
		t.Fatal(err)
	}
	// Each voter's rows in each export, as "proposal,impact,effort;…".
	sequences := func(rows [][]string) map[string]string {
		out := map[string]string{}
		for _, r := range rows {
			out[r[0]] += strings.Join(r[1:], ",") + ";"
		}
		return out
	}
	seq1, seq2 := sequences(csvs[0]), sequences(csvs[1])
	for v := range seq1 {
		if _, ok := seq2[v]; ok {
			t.Errorf("voter %s appears in both exports: they can be joined", v)
		}
	}
	for _, p := range people {
		m, err := mh.svc.MemberByIdentity(t0ctx(), consultation.Console, p.id)
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(m.ID, 10)
		var want string
		var fragments []string
		for n, s := range p.scores {
			f := strconv.Itoa(n+1) + "," + strconv.Itoa(s[0]) + "," + strconv.Itoa(s[1])
			want += f + ";"
			fragments = append(fragments, f)
		}
		var voters []string
		for _, seq := range []map[string]string{seq1, seq2} {
			found := ""
			for v, s := range seq {
				if s == want {
					found = v
				}
			}
			if found == "" {
				t.Fatalf("%s's ratings are missing from an export", p.name)
			}
			voters = append(voters, found)
		}
		stored := consultation.Pseudonym(c.Salt, m.ID)
		sum := sha256.Sum256([]byte(id))
		plain := hmac.New(sha256.New, nil)
		plain.Write([]byte(id))
		derived := []string{id, stored, hex.EncodeToString(sum[:]), hex.EncodeToString(plain.Sum(nil))}
		for _, v := range voters {
			for _, d := range derived {
				if v == d || strings.HasPrefix(d, v) {
					t.Errorf("%s's export pseudonym %s derives from the member id without the salt", p.name, v)
				}
			}
		}
		idents := []string{p.id, p.username, p.name}
		for _, l := range lines {
			if strings.Contains(l, stored) {
				t.Errorf("a stored pseudonym leaks: %q", l)
			}
			hasIdent := false
			for _, s := range idents {
				hasIdent = hasIdent || strings.Contains(l, s)
			}
			if !hasIdent {
				continue
			}
			for _, v := range voters {
				if strings.Contains(l, v) {
					t.Errorf("%s appears with their export pseudonym: %q", p.name, l)
				}
			}
			for _, f := range fragments {
				if strings.Contains(l, f) {
					t.Errorf("%s appears with their rating %s: %q", p.name, f, l)
				}
			}
		}
	}
}
