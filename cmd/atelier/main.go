// Command atelier runs the Atelier consultation bot.
//
//	atelier                 run the bot: Telegram and/or Discord when their
//	                        tokens are set, else a console chat
//	atelier demo            replay a whole consultation on the reference data
//	atelier group FILE.csv  group similar texts offline
//	atelier backup FILE     copy the database while it is in use
//	atelier members import FILE.csv
//	                        import the organisation's membership list
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// Time zones travel with the binary: a minimal image (scratch,
	// distroless) has no zoneinfo, and groups keep Europe/Paris.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "atelier:", err)
		}
		os.Exit(1)
	}
}

// run dispatches a subcommand. getenv is os.Getenv outside tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "run":
		cfg, err := ParseConfig(args, getenv, stderr)
		if err != nil {
			return err
		}
		m := NewMain(cfg, stderr)
		if err := m.Open(ctx); err != nil {
			return err
		}
		defer m.Close()
		return m.Run(ctx, stdin, stdout)
	case "demo":
		return runDemo(ctx, args, stdout, stderr)
	case "group":
		return runGroup(args, stdin, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, getenv, stdout, stderr)
	case "members":
		return runMembers(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprintln(stdout, "usage: atelier [run] [flags] | demo | group FILE.csv | backup FILE | members import FILE.csv")
		return nil
	}
	return fmt.Errorf("unknown subcommand %q (try: run, demo, group, backup, members)", sub)
}
