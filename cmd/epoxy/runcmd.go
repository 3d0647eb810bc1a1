package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/glue"
)

// Exit statuses of `epoxy run`, for CI scripts (documented in README.md
// and docs/behaviour.md).
const (
	exitNodeFailed  = 1   // a job run or crawl ended FAILED, TIMEOUT or ERROR
	exitUsage       = 2   // bad flags or arguments
	exitStopped     = 3   // the run (or a node of it) was STOPPED / CANCELLED
	exitTimeout     = 4   // --timeout passed before the run ended
	exitRunError    = 5   // the run ended ERROR, or could not be started or followed
	exitInterrupted = 130 // SIGINT/SIGTERM while waiting
)

// exitError ends the command with a given exit status; its message, if
// any, is printed as "epoxy: <message>".
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// exitCode is the process exit status for an error returned by run.
func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue errUsage
	if errors.As(err, &ue) {
		return exitUsage
	}
	return 1
}

// runOptions are the flags of `epoxy run`.
type runOptions struct {
	workflow, job string
	endpoint      string
	data          string
	embedded      bool // --data without --endpoint: serve the data directory in-process
	properties    keyValues
	arguments     keyValues
	wait          bool
	timeout       time.Duration
	poll          time.Duration
}

// keyValues is a repeatable k=v,k2=v2 flag.
type keyValues map[string]string

func (kv *keyValues) String() string {
	var parts []string
	for k, v := range *kv {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Set adds the pairs of one k=v,k2=v2 list.
func (kv *keyValues) Set(s string) error {
	if *kv == nil {
		*kv = keyValues{}
	}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" {
			return fmt.Errorf("%q is not key=value", pair)
		}
		(*kv)[k] = v
	}
	return nil
}

const runUsage = `Usage:
  epoxy run WORKFLOW [--endpoint URL | --data DIR] [--run-properties k=v,...] [--wait] [--timeout D]
  epoxy run --job NAME [--endpoint URL | --data DIR] [--arguments k=v,...] [--wait] [--timeout D]

Start a workflow run (or a job run) and, with --wait, follow it to its end:
one line per state change, then the run's graph with each node's state and
duration, and the stderr tail of failed jobs. With --data and no --endpoint,
Epoxy serves that data directory in-process for the duration (and waits).

Exit status: 0 the run COMPLETED and every job run and crawl in it SUCCEEDED;
1 a job run or crawl ended FAILED, TIMEOUT or ERROR; 2 usage; 3 the run or a
node was STOPPED; 4 --timeout passed; 5 the run ended ERROR or could not be
started; 130 interrupted.

Flags:
`

// parseRunFlags reads the flags and the WORKFLOW argument, which may come
// before or after the flags.
func parseRunFlags(args []string, stderr io.Writer) (*runOptions, error) {
	o := &runOptions{}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.endpoint, "endpoint", envOr("EPOXY_ENDPOINT", "http://127.0.0.1:4747"), "a running Epoxy's endpoint (env EPOXY_ENDPOINT)")
	fs.StringVar(&o.data, "data", "", "data directory: served in-process when --endpoint is not given; else read for job logs (without it they come through the Logs API)")
	fs.StringVar(&o.job, "job", "", "run this job instead of a workflow")
	fs.Var(&o.properties, "run-properties", "workflow run properties, k=v,k2=v2 (repeatable)")
	fs.Var(&o.arguments, "arguments", "job run arguments, k=v,... ('--' is prepended to keys without it)")
	fs.BoolVar(&o.wait, "wait", false, "follow the run to its end and exit with its outcome")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up waiting after this long (exit 4); 0 waits forever")
	fs.DurationVar(&o.poll, "poll", time.Second, "how often to poll the run's state")
	fs.Usage = func() {
		fmt.Fprint(stderr, runUsage)
		fs.PrintDefaults()
	}
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o.embedded = set["data"] && !set["endpoint"]
	if err := o.check(positional); err != nil {
		fs.Usage()
		return nil, err
	}
	return o, nil
}

// parseInterleaved parses flags that may come before and after positional
// arguments, which it returns.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage{err.Error()}
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// check validates the combination of flags and arguments.
func (o *runOptions) check(positional []string) error {
	switch {
	case o.job == "" && len(positional) != 1:
		return errUsage{"run takes one WORKFLOW name, or --job NAME"}
	case o.job != "" && len(positional) != 0:
		return errUsage{"run --job takes no WORKFLOW argument"}
	case o.job != "" && len(o.properties) > 0:
		return errUsage{"--run-properties is for workflow runs; use --arguments with --job"}
	case o.job == "" && len(o.arguments) > 0:
		return errUsage{"--arguments is for --job; use --run-properties with a workflow"}
	case o.timeout < 0 || o.poll <= 0:
		return errUsage{"--timeout must not be negative and --poll must be positive"}
	}
	if o.job == "" {
		o.workflow = positional[0]
	}
	if o.embedded {
		o.wait = true // the in-process server lives only while we wait
	}
	return nil
}

// runCmd implements `epoxy run`.
func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseRunFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	endpoint, closeServer, err := o.connect(ctx, stderr)
	if err != nil {
		return exitError{exitRunError, err.Error()}
	}
	defer closeServer()
	f := &follower{client: newGlueClient(endpoint), logs: newLogsClient(endpoint), out: stdout, data: o.data, poll: o.poll, timeout: o.timeout,
		now: time.Now, seen: map[string]string{}}
	if o.job != "" {
		return f.runJob(ctx, o.job, o.arguments, o.wait)
	}
	return f.runWorkflow(ctx, o.workflow, o.properties, o.wait)
}

// interpretWaitErr turns a wait cut short into its exit status: --timeout
// or an interrupt.
func interpretWaitErr(ctx, waitCtx context.Context, err error) error {
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if ctx.Err() != nil {
		return exitError{exitInterrupted, "interrupted; the run goes on"}
	}
	if waitCtx.Err() != nil {
		return exitError{exitTimeout, "--timeout reached; the run goes on"}
	}
	return exitError{exitRunError, err.Error()}
}

// connect returns the endpoint to talk to: --endpoint, or an in-process
// server on the --data directory, listening on loopback, which the
// returned function shuts down.
func (o *runOptions) connect(ctx context.Context, stderr io.Writer) (string, func(), error) {
	if !o.embedded {
		return strings.TrimRight(o.endpoint, "/"), func() {}, nil
	}
	cfg, err := parseServeFlags([]string{"--data", o.data, "--addr", "127.0.0.1:0", "--log-level", "warn"}, stderr)
	if err != nil {
		return "", nil, err
	}
	o.data = cfg.DataDir
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := endpointURL(ln.Addr())
	a, err := openApp(ctx, cfg, newLogger(cfg, stderr), url)
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return url, func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
		_ = a.Close()
	}, nil
}

// newGlueClient is an SDK Glue client for endpoint. Epoxy accepts any
// credentials; the client signs with the environment's, or dummy ones.
func newGlueClient(endpoint string) *glue.Client {
	return glue.New(glue.Options{BaseEndpoint: &endpoint, Region: clientRegion(), Credentials: clientCredentials()})
}

// newLogsClient returns a CloudWatch Logs client for the Epoxy at endpoint,
// signed as newGlueClient's.
func newLogsClient(endpoint string) *cloudwatchlogs.Client {
	return cloudwatchlogs.New(cloudwatchlogs.Options{BaseEndpoint: &endpoint, Region: clientRegion(), Credentials: clientCredentials()})
}

// clientRegion is the region the CLI's clients sign for.
func clientRegion() string { return envOr("AWS_REGION", envOr("AWS_DEFAULT_REGION", "us-east-1")) }

// clientCredentials are the CLI's clients' keys: the environment's, else
// dummy ones (accepted without --auth).
func clientCredentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(envOr("AWS_ACCESS_KEY_ID", "epoxy"), envOr("AWS_SECRET_ACCESS_KEY", "epoxy"),
		os.Getenv("AWS_SESSION_TOKEN"))
}
