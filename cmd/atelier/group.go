package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"atelier/consultation/similar"
)

// runGroup implements `atelier group FILE.csv --text-column NAME --id-column
// NAME [--format csv|md]`: it groups the rows of FILE (or stdin for "-") with
// similar.DefaultOptions and prints each row's cluster number as CSV, or the
// clusters with their proposed titles as Markdown.
func runGroup(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("group", flag.ContinueOnError)
	fs.SetOutput(stderr)
	textCol := fs.String("text-column", "", "name of the column holding the text to group (required)")
	idCol := fs.String("id-column", "", "name of the column holding a unique row id (required)")
	format := fs.String("format", "csv", "output format: csv (id,cluster) or md (clusters for reading)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: atelier group FILE.csv --text-column NAME --id-column NAME [--format csv|md]")
		fs.PrintDefaults()
	}
	files, err := parseMixed(fs, args)
	if err != nil {
		return fmt.Errorf("group: %w", err)
	}
	switch {
	case len(files) != 1:
		return errors.New("group: want exactly one input file (or - for stdin)")
	case *textCol == "":
		return errors.New("group: --text-column is required")
	case *idCol == "":
		return errors.New("group: --id-column is required")
	case *format != "csv" && *format != "md":
		return fmt.Errorf("group: unknown --format %q (want csv or md)", *format)
	}

	name := files[0]
	var in io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("group: %w", err)
		}
		defer f.Close()
		in = f
	} else {
		name = "stdin"
	}
	docs, err := groupReadDocs(in, *idCol, *textCol)
	if err != nil {
		return fmt.Errorf("group: %s: %w", name, err)
	}
	clusters := similar.Group(docs, similar.DefaultOptions())

	w := bufio.NewWriter(stdout)
	if *format == "md" {
		groupWriteMarkdown(w, docs, clusters)
	} else if err := groupWriteCSV(w, docs, clusters); err != nil {
		return fmt.Errorf("group: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("group: write output: %w", err)
	}
	return nil
}

// groupReadDocs reads a CSV file with a header line and returns one document
// per row, refusing empty input, invalid UTF-8, missing columns and duplicate
// ids.
func groupReadDocs(in io.Reader, idCol, textCol string) ([]similar.Doc, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	t, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	idIdx, textIdx := -1, -1
	for i, h := range t.header {
		switch strings.TrimSpace(h) {
		case idCol:
			idIdx = i
		case textCol:
			textIdx = i
		}
	}
	for _, c := range []struct {
		name string
		idx  int
	}{{idCol, idIdx}, {textCol, textIdx}} {
		if c.idx < 0 {
			return nil, fmt.Errorf("no column %q (columns: %s)", c.name, strings.Join(t.header, ", "))
		}
	}
	var docs []similar.Doc
	seen := make(map[string]int)
	err = t.rows(max(idIdx, textIdx)+1, func(line int, rec []string) error {
		id := rec[idIdx]
		if prev, ok := seen[id]; ok {
			return fmt.Errorf("duplicate id %q on lines %d and %d", id, prev, line)
		}
		seen[id] = line
		docs = append(docs, similar.Doc{ID: id, Text: rec[textIdx]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errors.New("no rows after the header")
	}
	return docs, nil
}

// groupWriteCSV prints "id,cluster" for every document in input order, with
// clusters numbered from 1 in the order similar.Group returned them.
func groupWriteCSV(w io.Writer, docs []similar.Doc, clusters []similar.Cluster) error {
	number := make(map[string]int, len(docs))
	for k, c := range clusters {
		for _, id := range c.IDs {
			number[id] = k + 1
		}
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "cluster"})
	for _, d := range docs {
		cw.Write([]string{d.ID, fmt.Sprint(number[d.ID])})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// groupWriteMarkdown prints the clusters for reading: each with its proposed
// title (the text of its most central member) and its members.
func groupWriteMarkdown(w io.Writer, docs []similar.Doc, clusters []similar.Cluster) {
	text := make(map[string]string, len(docs))
	for _, d := range docs {
		text[d.ID] = d.Text
	}
	singletons := 0
	for _, c := range clusters {
		if len(c.IDs) == 1 {
			singletons++
		}
	}
	fmt.Fprintf(w, "# Suggested groups\n\n%d ideas, %d groups (%d with several ideas, %d alone).\n",
		len(docs), len(clusters), len(clusters)-singletons, singletons)
	for k, c := range clusters {
		fmt.Fprintf(w, "\n## %d. %s\n\n", k+1, groupOneLine(text[c.TitleID]))
		fmt.Fprintf(w, "%d idea(s); title from %s.\n\n", len(c.IDs), c.TitleID)
		for _, id := range c.IDs {
			fmt.Fprintf(w, "- %s: %s\n", id, groupOneLine(text[id]))
		}
	}
}

// groupOneLine collapses whitespace so a text fits on one Markdown line.
func groupOneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
