// Command epoxy-bench measures Epoxy, and optionally a peer such as moto,
// on this machine: API request rates and latencies, IncludeGraph reads,
// orchestration of real job runs, pages over many stored runs, and memory
// and cold start. It prints Markdown tables and can write the figures as
// JSON. See BENCHMARKS.md for how to run it and what each figure means.
//
// Every scenario gets a fresh server when the bench starts the servers
// itself (the default for Epoxy, and for moto with --start-moto); Epoxy and
// the peer are measured one after the other, never at the same time. All
// traffic goes to loopback, and every loop is bounded in count and time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "epoxy-bench:", err)
		os.Exit(1)
	}
}

// run parses the flags, runs the bench and writes the report: Markdown to
// stdout, progress to stderr, JSON to --json. A scenario that failed on
// Epoxy makes it return an error after the report is written.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	rep, err := runBench(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	rep.writeMarkdown(stdout)
	if cfg.JSONPath != "" {
		if err := rep.writeJSON(cfg.JSONPath); err != nil {
			return fmt.Errorf("write %s: %w", cfg.JSONPath, err)
		}
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d scenarios failed: %s", len(rep.Errors), strings.Join(rep.Errors, "; "))
	}
	return nil
}
