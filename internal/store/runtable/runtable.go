// Package runtable describes, once for every SQL backend, the tables that
// hold runs (workflow runs, job runs, crawls, blueprint runs): which
// columns a run's row has beside its document, and how they are read from
// a run. Each backend builds its own statements from these descriptions.
package runtable

import (
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Row is what a run table stores beside a run's document: the columns
// queries filter and order on, and where the assigned seq goes.
type Row struct {
	ID, Owner, State string
	// Extra holds the values of Spec.Extra, in order.
	Extra []any
	Seq   *int64
}

// Spec describes one table of runs: each row a JSON document keyed by id,
// with the run's owner (the workflow, job, crawler or blueprint it belongs
// to), its state, extra indexed columns, and seq ordering rows by creation.
type Spec[T any] struct {
	Table string
	// Label names one run in messages: "Job run".
	Label string
	// Owner and State name the owner and state columns; Owner is also the
	// owner's noun in not-found messages ("of job j").
	Owner, State string
	// Extra names further columns, set on insert and update.
	Extra  []string
	Row    func(*T) Row
	SetSeq func(*T, int64)
}

// Columns returns the columns an insert sets besides the document: id,
// owner, state and the extra ones.
func (s *Spec[T]) Columns() []string {
	return append([]string{"id", s.Owner, s.State}, s.Extra...)
}

// Values returns a run's values for Columns, in order.
func (r Row) Values() []any {
	return append([]any{r.ID, r.Owner, r.State}, r.Extra...)
}

// NotFound is the EntityNotFound error for run id, of owner when owner is
// not "".
func (s *Spec[T]) NotFound(owner, id string) error {
	if owner == "" {
		return glue.Errorf(glue.EntityNotFound, "%s %s not found", s.Label, id)
	}
	return glue.Errorf(glue.EntityNotFound, "%s %s of %s %s not found", s.Label, id, s.Owner, owner)
}

// AlreadyExists is the error for inserting run id twice.
func (s *Spec[T]) AlreadyExists(id string) error {
	return glue.Errorf(glue.AlreadyExists, "%s %s already exists", s.Label, id)
}

// WorkflowRuns is the table of workflow runs.
var WorkflowRuns = Spec[glue.WorkflowRunRecord]{
	Table: "workflow_runs", Label: "Workflow run", Owner: "workflow", State: "status",
	Row: func(r *glue.WorkflowRunRecord) Row {
		return Row{ID: r.Run.WorkflowRunID, Owner: r.Run.Name, State: string(r.Run.Status), Seq: &r.Seq}
	},
	SetSeq: func(r *glue.WorkflowRunRecord, s int64) { r.Seq = s },
}

// JobRuns is the table of job runs.
var JobRuns = Spec[glue.JobRunRecord]{
	Table: "job_runs", Label: "Job run", Owner: "job", State: "state",
	Extra: []string{"workflow_run_id", "trigger_name", "retried"},
	Row: func(r *glue.JobRunRecord) Row {
		return Row{ID: r.JobRun.ID, Owner: r.JobRun.JobName, State: string(r.JobRun.JobRunState),
			Extra: []any{r.WorkflowRunID, r.JobRun.TriggerName, r.Retried}, Seq: &r.Seq}
	},
	SetSeq: func(r *glue.JobRunRecord, s int64) { r.Seq = s },
}

// Crawls is the table of crawls.
var Crawls = Spec[glue.CrawlRecord]{
	Table: "crawls", Label: "Crawl", Owner: "crawler", State: "state",
	Extra: []string{"workflow_run_id"},
	Row: func(c *glue.CrawlRecord) Row {
		return Row{ID: c.ID, Owner: c.CrawlerName, State: string(c.State), Extra: []any{c.WorkflowRunID}, Seq: &c.Seq}
	},
	SetSeq: func(c *glue.CrawlRecord, s int64) { c.Seq = s },
}

// BlueprintRuns is the table of blueprint runs.
var BlueprintRuns = Spec[glue.BlueprintRunRecord]{
	Table: "blueprint_runs", Label: "Blueprint run", Owner: "blueprint", State: "state",
	Row: func(r *glue.BlueprintRunRecord) Row {
		return Row{ID: r.Run.RunID, Owner: r.Run.BlueprintName, State: string(r.Run.State), Seq: &r.Seq}
	},
	SetSeq: func(r *glue.BlueprintRunRecord, s int64) { r.Seq = s },
}

// States converts states to strings, for query arguments.
func States[S ~string](states []S) []string {
	out := make([]string, len(states))
	for i, s := range states {
		out[i] = string(s)
	}
	return out
}
