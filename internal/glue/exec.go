package glue

import (
	"errors"
	"time"
)

// The types below are the contract between the engine, which decides what
// runs, and the executors that run it (local processes now; remote workers
// and containers later). They live in the domain so neither side imports
// the other.

// ErrNotStarted is what an executor's Reattach returns when it can prove that
// the job's own code never ran for a launch an earlier server made, and never
// will (the launch was fenced off). The engine then dispatches the run again:
// Epoxy's own crash is never counted as a failure of the job.
var ErrNotStarted = errors.New("the job run's process never started")

// Process is a running job process.
type Process interface {
	PID() int
	// StartTime identifies the process beside its pid (pids are reused).
	StartTime() uint64
	// Done delivers the outcome once the process has ended.
	Done() <-chan ProcessResult
	// Stop asks the process group to end (SIGTERM), killing it after grace.
	Stop(grace time.Duration)
}

// ProcessResult is how a job process ended.
type ProcessResult struct {
	ExitCode int
	// Error is set when the run failed: why, in a line fit for the job run's
	// ErrorMessage. Empty with exit code 0 means success.
	Error string
	// EndedAt is when the process ended, when the executor knows it better
	// than "now" (a process that ended while Epoxy was not running).
	EndedAt time.Time
}

// RunSpec is everything an executor needs to run one job run.
type RunSpec struct {
	JobRunID      string
	Job           *Job
	Attempt       int32
	WorkflowName  string
	WorkflowRunID string
	// Argv is the script's arguments, in order: Glue's system arguments
	// (--JOB_ID, --JOB_RUN_ID, --JOB_NAME, --WORKFLOW_NAME,
	// --WORKFLOW_RUN_ID) then the merged job arguments.
	Argv []string
}

// CrawlResult is what a crawl found.
type CrawlResult struct {
	Files   int
	Folders int
	Summary string
	// Tables counts the catalog tables the crawl created, updated and
	// deleted (or deprecated).
	TablesCreated, TablesUpdated, TablesDeleted int
}
