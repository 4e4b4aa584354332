package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"atelier/bot"
	"atelier/consultation"
	"atelier/storage"
)

const membersUsage = "usage: atelier members import FILE.csv [--db PATH]"

// runMembers implements `atelier members import FILE.csv [--db PATH]`: it
// reads the organisation's membership list and adds or updates the roster
// that members claim their entry in with /join <number>.
func runMembers(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New(membersUsage)
	}
	fs := flag.NewFlagSet("members import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "SQLite database file (default ATELIER_DB, else atelier.db)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, membersUsage)
		fs.PrintDefaults()
	}
	files, err := parseMixed(fs, args[1:])
	if err != nil {
		return fmt.Errorf("members import: %w", err)
	}
	if len(files) != 1 {
		return errors.New(membersUsage)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return fmt.Errorf("members import: %w", err)
	}
	entries, err := readRoster(data)
	if err != nil {
		return fmt.Errorf("members import: %s: %w", files[0], err)
	}
	if *db == "" {
		cfg, err := ParseConfig(nil, getenv, stderr)
		if err != nil {
			return err
		}
		*db = cfg.DB
	}
	st, err := storage.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := consultation.NewService(st, consultation.Options{}).ImportRoster(ctx, entries)
	if err != nil {
		return fmt.Errorf("members import: %s: %w", files[0], err)
	}
	fmt.Fprintf(stdout, "roster of %s: %d added, %d updated, %d unchanged", *db, res.Added, res.Updated, res.Unchanged)
	if res.Absent > 0 {
		fmt.Fprintf(stdout, "; %d already on the roster but not in this file (kept)", res.Absent)
	}
	fmt.Fprintln(stdout)
	return nil
}

// Roster columns are recognised by their folded header (lower case, no
// accents, punctuation as spaces).
var (
	numberHeaders = []string{"number", "membership number", "member number", "membership", "numero", "numero adherent",
		"numero d adherent", "n adherent", "n d adherent", "no adherent", "n°", "n° adherent", "n° d adherent", "nº",
		"nº adherent", "no", "num", "adherent", "matricule"}
	nameHeaders    = []string{"name", "nom", "full name", "nom complet", "nom prenom", "prenom nom", "member", "membre"}
	sectionHeaders = []string{"section"}
)

// foldHeader lowercases a header, strips accents and turns punctuation
// other than ° into spaces.
func foldHeader(s string) string {
	s = bot.Fold(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '°' {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// readRoster reads a membership list: UTF-8 CSV (a byte-order mark is
// skipped) separated by commas or semicolons, with a header naming the
// membership number, name and, optionally, section columns. It refuses an
// empty file, invalid UTF-8, a missing or ambiguous column, and blank or
// repeated numbers, saying on which line.
func readRoster(data []byte) ([]consultation.RosterEntry, error) {
	t, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	header := t.header
	find := func(what string, names []string) (int, error) {
		at := -1
		for i, h := range header {
			for _, n := range names {
				if foldHeader(h) == n {
					if at >= 0 {
						return 0, fmt.Errorf("both columns %q and %q could be the %s; rename one", header[at], h, what)
					}
					at = i
				}
			}
		}
		return at, nil
	}
	cols := make(map[string]int)
	for _, c := range []struct {
		what, hint string
		names      []string
		required   bool
	}{
		{"membership number", `"number" or "numéro"`, numberHeaders, true},
		{"name", `"name" or "nom"`, nameHeaders, true},
		{"section", `"section"`, sectionHeaders, false},
	} {
		at, err := find(c.what, c.names)
		if err != nil {
			return nil, err
		}
		if at < 0 && c.required {
			return nil, fmt.Errorf("no %s column (columns: %s); name it %s", c.what, strings.Join(header, ", "), c.hint)
		}
		cols[c.what] = at
	}
	num, name, section := cols["membership number"], cols["name"], cols["section"]
	var out []consultation.RosterEntry
	seen := make(map[string]int)
	err = t.rows(max(num, name, section)+1, func(line int, rec []string) error {
		e := consultation.RosterEntry{Number: rec[num], Name: strings.TrimSpace(rec[name])}
		if section >= 0 {
			e.Section = strings.TrimSpace(rec[section])
		}
		n := consultation.NormalizeNumber(e.Number)
		switch {
		case n == "":
			return fmt.Errorf("line %d: blank membership number", line)
		case e.Name == "":
			return fmt.Errorf("line %d: blank name for membership number %q", line, n)
		}
		if prev, ok := seen[n]; ok {
			return fmt.Errorf("membership number %q is on lines %d and %d", n, prev, line)
		}
		seen[n] = line
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no members after the header")
	}
	return out, nil
}
