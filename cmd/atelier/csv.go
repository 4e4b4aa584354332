package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvTable is a CSV file with a header line, as spreadsheets export it.
type csvTable struct {
	header []string
	r      *csv.Reader
}

// readCSV reads a whole CSV file and its header. It refuses an empty file
// and invalid UTF-8 (saying on which line), skips a byte-order mark, and
// takes ';' as the separator when the first line has more of them than
// commas, as spreadsheets in French locales write.
func readCSV(data []byte) (*csvTable, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty file")
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			return nil, fmt.Errorf("line %d is not valid UTF-8 (save the file as CSV UTF-8)", i+1)
		}
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	return &csvTable{header: header, r: r}, nil
}

// rows calls fn with each row after the header and its line number,
// skipping blank rows (exported as ";;") and refusing a row with fewer
// than width fields.
func (t *csvTable) rows(width int, fn func(line int, rec []string) error) error {
	for {
		rec, err := t.r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read row: %w", err)
		}
		line, _ := t.r.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if len(rec) < width {
			return fmt.Errorf("line %d has %d fields, want at least %d", line, len(rec), width)
		}
		if err := fn(line, rec); err != nil {
			return err
		}
	}
}

// parseMixed parses args with fs, flags allowed before and after the
// positional arguments, which it returns in order.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
