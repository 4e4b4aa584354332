package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"atelier/storage"
)

// runBackup copies the database, consistently, while the bot may be running.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: atelier backup DEST.db (the source is ATELIER_DB or atelier.db)")
	}
	cfg, err := ParseConfig(nil, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := storage.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", cfg.DB, args[0])
	return nil
}
