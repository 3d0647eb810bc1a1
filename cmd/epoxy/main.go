// Command epoxy runs AWS Glue workflows on your own machines. `epoxy serve`
// is an endpoint that the AWS CLI, boto3, the AWS SDKs and Terraform accept
// as AWS Glue.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/epoxy-run/epoxy/internal/model"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "epoxy:", msg)
		}
		stop()
		os.Exit(exitCode(err))
	}
}

// errUsage marks an error already explained by printed usage.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

const usage = `Epoxy runs AWS Glue workflows on your own machines.

Usage:
  epoxy <command> [flags]

Commands:
  serve     serve the Glue API (and run workflows) on a local endpoint
  worker    run job processes for replicas sharing a PostgreSQL store (no API)
  run       start a workflow run or job run and follow it to its end (for CI)
  logs      print the output of a job run
  cron      print the next fire times of a cron(...) schedule
  notify-event  deliver an event to a workflow's EVENT trigger
  migrate   report on or apply the store's schema migrations
  version   print the version
  help      print this help ("epoxy help operations": the Glue operations served and not)

Run "epoxy <command> -h" for the flags of a command.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage{"no command given"}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "worker":
		return workerCmd(ctx, args[1:], stdout, stderr)
	case "run":
		return runCmd(ctx, args[1:], stdout, stderr)
	case "logs":
		return logsCmd(ctx, args[1:], stdout, stderr)
	case "cron":
		return cronCmd(args[1:], stdout, stderr)
	case "notify-event":
		return notifyEventCmd(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionLine())
		return nil
	case "help", "-h", "--help", "-help":
		if len(args) > 1 && args[1] == "operations" {
			return printOperations(stdout)
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return errUsage{fmt.Sprintf("unknown command %q", args[0])}
}

// printOperations lists the Glue operations Epoxy serves (with its
// extensions) and those of the Glue model it does not implement.
func printOperations(w io.Writer) error {
	m, err := model.Glue()
	if err != nil {
		return err
	}
	served := append(m.Operations(), "NotifyEvent")
	slices.Sort(served)
	fmt.Fprintf(w, "Served (%d):\n", len(served))
	for _, op := range served {
		fmt.Fprintln(w, "  "+op)
	}
	unserved := m.Unserved()
	fmt.Fprintf(w, "\nNot implemented (%d; calling one answers UnknownOperationException):\n", len(unserved))
	for _, op := range unserved {
		fmt.Fprintln(w, "  "+op)
	}
	return nil
}
