package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/cron"
	"github.com/epoxy-run/epoxy/internal/executor"
)

// logsCmd prints the stdout and stderr kept for a job run.
func logsCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("EPOXY_DATA", "./epoxy-data"), "data directory of the server (env EPOXY_DATA)")
	stream := fs.String("stream", "all", "which output: stdout, stderr or all")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: epoxy logs [--data DIR] [--stream stdout|stderr|all] <job-run-id>\n\nPrint the output a job run wrote.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage{err.Error()}
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage{"logs takes exactly one job run id"}
	}
	id := fs.Arg(0)
	if strings.ContainsAny(id, `/\`) || id == ".." || id == "." {
		return fmt.Errorf("%q is not a job run id", id)
	}
	dir := executor.LogDir(*data, id)
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("no logs for job run %s in %s", id, *data)
	}
	streams := map[string][]string{"stdout": {"stdout"}, "stderr": {"stderr"}, "all": {"stdout", "stderr"}}[*stream]
	if streams == nil {
		return errUsage{fmt.Sprintf("--stream must be stdout, stderr or all, got %q", *stream)}
	}
	for _, s := range streams {
		b, err := os.ReadFile(filepath.Join(dir, s))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if *stream == "all" && len(b) > 0 {
			fmt.Fprintf(stdout, "==> %s <==\n", s)
		}
		stdout.Write(b)
	}
	return nil
}

// cronCmd prints the next fire times of a Glue cron expression.
func cronCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cron", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "start after this time (RFC 3339, default now)")
	n := fs.Int("n", 5, "how many fire times to print")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: epoxy cron 'cron(15 12 * * ? *)' [--from 2026-01-01T00:00:00Z] [-n 5]\n\nPrint the next fire times (UTC) of a Glue schedule expression.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	expr, rest := splitExpr(args)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage{err.Error()}
	}
	if expr == "" && fs.NArg() == 1 {
		expr = fs.Arg(0)
	}
	if expr == "" {
		fs.Usage()
		return errUsage{"cron takes one expression"}
	}
	start := time.Now().UTC()
	if *from != "" {
		t, err := time.Parse(time.RFC3339, *from)
		if err != nil {
			return fmt.Errorf("--from: %w", err)
		}
		start = t
	}
	s, err := cron.Parse(expr)
	if err != nil {
		return err
	}
	t := start
	for range *n {
		next, ok := s.Next(t)
		if !ok {
			break
		}
		fmt.Fprintln(stdout, next.UTC().Format(time.RFC3339))
		t = next
	}
	return nil
}

// splitExpr takes the first argument that is not a flag as the expression,
// so flags may come before or after it.
func splitExpr(args []string) (string, []string) {
	for i, a := range args {
		if strings.HasPrefix(a, "cron(") {
			return a, append(append([]string{}, args[:i]...), args[i+1:]...)
		}
	}
	return "", args
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// notifyEventCmd delivers an event to a workflow's EVENT trigger through
// Epoxy's AWSGlue.NotifyEvent extension.
func notifyEventCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("notify-event", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", envOr("EPOXY_ENDPOINT", "http://127.0.0.1:4747"), "Epoxy's endpoint (env EPOXY_ENDPOINT)")
	workflow := fs.String("workflow", "", "workflow whose EVENT trigger receives the event (required)")
	eventID := fs.String("event-id", "", "event id (generated when absent); an id already delivered is ignored")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: epoxy notify-event --endpoint URL --workflow NAME [--event-id ID]\n\nDeliver an event to a workflow's EVENT trigger.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage{err.Error()}
	}
	if *workflow == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage{"notify-event needs --workflow and takes no arguments"}
	}
	body, _ := json.Marshal(map[string]string{"Name": *workflow, "EventId": *eventID})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(*endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSGlue.NotifyEvent")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("notify-event: %w", err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"Message"`
		}
		_ = json.Unmarshal(reply, &e)
		return fmt.Errorf("notify-event: %s: %s", e.Type, e.Message)
	}
	fmt.Fprintln(stdout, "event delivered to workflow", *workflow)
	return nil
}
