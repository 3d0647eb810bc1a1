package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/epoxy-run/epoxy/internal/cron"
	"github.com/epoxy-run/epoxy/internal/executor"
)

// logsCmd prints the stdout and stderr kept for a job run, streaming the
// files (never reading them whole); with --follow it keeps printing what a
// running job writes until Epoxy has recorded the run's end. Given a
// crawler's name (and no job run of that id has logs), it prints the
// crawler's log stream.
func logsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("EPOXY_DATA", "./epoxy-data"), "data directory of the server (env EPOXY_DATA)")
	stream := fs.String("stream", "all", "which output: stdout, stderr or all")
	follow := fs.Bool("follow", false, "keep printing output until the job run's process has ended")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: epoxy logs [--data DIR] [--stream stdout|stderr|all] [--follow] <job-run-id>\n       epoxy logs [--data DIR] <crawler-name>\n\nPrint the output a job run wrote, or a crawler's crawl log.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	id, err := parseWithArg(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if executor.CheckRunID(id) != nil || !exists(executor.LogDir(*data, id)) {
		if found, err := printCrawlLog(*data, id, stdout); found || err != nil {
			return err
		}
	}
	if err := executor.CheckRunID(id); err != nil {
		return fmt.Errorf("no logs for crawler %q in %s, and %w", id, *data, err)
	}
	streams := map[string][]string{"stdout": {"stdout"}, "stderr": {"stderr"}, "all": {"stdout", "stderr"}}[*stream]
	if streams == nil {
		return errUsage{fmt.Sprintf("--stream must be stdout, stderr or all, got %q", *stream)}
	}
	dir := executor.LogDir(*data, id)
	if _, err := os.Stat(dir); err != nil {
		if !*follow {
			return fmt.Errorf("no logs for job run or crawler %q in %s", id, *data)
		}
		// A run just started may not have a process (nor output) yet:
		// --follow waits for it, as tail -F waits for a file.
		fmt.Fprintf(stderr, "waiting for job run %s to start...\n", id)
		if err := waitForDir(ctx, dir); err != nil {
			return nil // interrupted
		}
	}
	t := &logTail{dir: dir, streams: streams, headers: len(streams) > 1, out: stdout}
	defer t.close()
	if !*follow {
		return t.copyNew()
	}
	return t.follow(ctx, executor.EndedFile(*data, id))
}

// parseWithArg parses flags that may come before or after the one
// positional argument, which it returns.
func parseWithArg(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", err
		}
		return "", errUsage{err.Error()}
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return "", errUsage{fs.Name() + " takes exactly one job run id"}
	}
	arg := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return "", errUsage{err.Error()}
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return "", errUsage{fs.Name() + " takes exactly one job run id"}
	}
	return arg, nil
}

// logTail copies what was added to a job run's output files since the last
// copy, heading each stream's part with "==> name <==" when it prints more
// than one stream.
type logTail struct {
	dir     string
	streams []string
	headers bool
	out     io.Writer
	files   map[string]*os.File
	last    string
}

// followPoll is how often --follow looks for new output.
const followPoll = 200 * time.Millisecond

// follow copies output as it grows until ended exists (or ctx ends), then
// copies what was written last.
// waitForDir polls until dir exists or ctx ends.
func waitForDir(ctx context.Context, dir string) error {
	for {
		if _, err := os.Stat(dir); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(followPoll):
		}
	}
}

func (t *logTail) follow(ctx context.Context, ended string) error {
	for {
		_, err := os.Stat(ended)
		done := err == nil
		if err := t.copyNew(); err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(followPoll):
		}
	}
}

func (t *logTail) copyNew() error {
	for _, s := range t.streams {
		if err := t.copyStream(s); err != nil {
			return err
		}
	}
	return nil
}

func (t *logTail) copyStream(name string) error {
	f, err := t.open(name)
	if f == nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil || fi.Size() <= pos {
		return err
	}
	if t.headers && t.last != name {
		fmt.Fprintf(t.out, "==> %s <==\n", name)
	}
	t.last = name
	_, err = io.Copy(t.out, io.LimitReader(f, fi.Size()-pos))
	return err
}

// open returns the stream's file, opened once; nil when it does not exist
// (yet).
func (t *logTail) open(name string) (*os.File, error) {
	if f := t.files[name]; f != nil {
		return f, nil
	}
	f, err := executor.OpenRegular(filepath.Join(t.dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if t.files == nil {
		t.files = map[string]*os.File{}
	}
	t.files[name] = f
	return f, nil
}

func (t *logTail) close() {
	for _, f := range t.files {
		f.Close()
	}
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
	if err := signRequest(ctx, req, body); err != nil {
		return fmt.Errorf("notify-event: %w", err)
	}
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

// signRequest signs req with SigV4 for the glue service when AWS
// credentials are configured (the SDK's default chain: environment, shared
// files), so NotifyEvent works against `epoxy serve --auth sigv4`; with no
// credentials the request goes unsigned, as a server without --auth takes.
func signRequest(ctx context.Context, req *http.Request, body []byte) error {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	if err != nil {
		return nil
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil || !creds.HasKeys() {
		return nil
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	sum := sha256.Sum256(body)
	return v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "glue", region, time.Now())
}
