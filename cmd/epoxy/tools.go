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
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/epoxy-run/epoxy/internal/cron"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/logship"
	"github.com/epoxy-run/epoxy/internal/store/postgres"
)

// logsCmd prints the stdout and stderr kept for a job run, streaming them
// (never reading them whole): from the data directory when the run ran on
// this node, else from the copy shipped to --store's PostgreSQL. With
// --follow it keeps printing what a running job writes until Epoxy has
// recorded the run's end. Given a crawler's name (and no job run of that id
// has logs), it prints the crawler's log stream.
func logsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("EPOXY_DATA", "./epoxy-data"), "data directory of the server (env EPOXY_DATA)")
	storeText := fs.String("store", envOr("EPOXY_STORE", ""), "the servers' postgres://... store, to read output of runs that ran on other nodes (env EPOXY_STORE)")
	stream := fs.String("stream", "all", "which output: stdout, stderr or all")
	follow := fs.Bool("follow", false, "keep printing output until the job run's process has ended")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: epoxy logs [--data DIR] [--store URL] [--stream stdout|stderr|all] [--follow] <job-run-id>\n       epoxy logs [--data DIR] <crawler-name>\n\nPrint the output a job run wrote, or a crawler's crawl log.\n\nFlags:\n")
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
	output, closeStore, err := openLogReader(ctx, *data, *storeText)
	if err != nil {
		return err
	}
	defer closeStore()
	t := &logTail{output: output, id: id, streams: streams, headers: len(streams) > 1, out: stdout}
	if !t.found(ctx) {
		if !*follow {
			return fmt.Errorf("no logs for job run or crawler %q in %s", id, *data)
		}
		// A run just started may not have a process (nor output) yet:
		// --follow waits for it, as tail -F waits for a file.
		fmt.Fprintf(stderr, "waiting for job run %s to start...\n", id)
		if err := t.waitFound(ctx); err != nil {
			return nil // interrupted
		}
	}
	if !*follow {
		_, err := t.copyNew(ctx)
		return err
	}
	return t.follow(ctx)
}

// openLogReader returns the reader of job output for `epoxy logs`: the
// data directory, and the store when --store names PostgreSQL (where
// output is shipped); with SQLite every run's output is in the data
// directory.
func openLogReader(ctx context.Context, data, storeText string) (*logship.Reader, func(), error) {
	loc, err := parseStore(storeText)
	if err != nil {
		return nil, nil, errUsage{err.Error()}
	}
	if loc.Postgres == "" {
		return logReader(data, nil), func() {}, nil
	}
	st, err := postgres.OpenUnmigrated(ctx, loc.Postgres)
	if err != nil {
		return nil, nil, err
	}
	return logReader(data, st), func() { st.Close() }, nil
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

// logTail copies what was added to a job run's output streams since the
// last copy, heading each stream's part with "==> name <==" when it prints
// more than one stream.
type logTail struct {
	output  *logship.Reader
	id      string
	streams []string
	headers bool
	out     io.Writer
	pos     map[string]int64 // bytes of each stream printed
	last    string
}

// followPoll is how often --follow looks for new output.
const followPoll = 200 * time.Millisecond

// found reports whether any of the streams is kept (here or shipped).
func (t *logTail) found(ctx context.Context) bool {
	for _, s := range t.streams {
		if _, err := t.output.Info(ctx, t.id, s); err == nil {
			return true
		}
	}
	return false
}

// waitFound polls until a stream is found or ctx ends.
func (t *logTail) waitFound(ctx context.Context) error {
	for !t.found(ctx) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(followPoll):
		}
	}
	return nil
}

// follow copies output as it grows until every stream has ended (or ctx
// ends).
func (t *logTail) follow(ctx context.Context) error {
	for {
		ended, err := t.copyNew(ctx)
		if err != nil || ended {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(followPoll):
		}
	}
}

// copyNew copies what every stream gained and reports whether all of them
// have ended (and so were copied whole).
func (t *logTail) copyNew(ctx context.Context) (bool, error) {
	ended := true
	for _, s := range t.streams {
		e, err := t.copyStream(ctx, s)
		if err != nil {
			return false, err
		}
		ended = ended && e
	}
	return ended, nil
}

// copyStream copies what a stream gained and reports whether it has ended.
func (t *logTail) copyStream(ctx context.Context, name string) (bool, error) {
	info, err := t.output.Info(ctx, t.id, name)
	if glue.IsCode(err, glue.EntityNotFound) {
		return false, nil // not written yet
	}
	if err != nil {
		return false, err
	}
	pos := t.pos[name]
	if info.Size <= pos {
		return info.Ended, nil
	}
	if t.headers && t.last != name {
		fmt.Fprintf(t.out, "==> %s <==\n", name)
	}
	t.last = name
	if err := t.output.Copy(ctx, t.out, t.id, name, pos, info.Size-pos); err != nil {
		return false, err
	}
	if t.pos == nil {
		t.pos = map[string]int64{}
	}
	t.pos[name] = info.Size
	return info.Ended, nil
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
