package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// newJobRunRecord builds a STARTING job run of job for an action, copying
// the run-level settings from the job and the action's overrides.
func (m *machine) newJobRunRecord(job *glue.Job, a glue.Action, trigger, workflow, runID string) *glue.JobRunRecord {
	now := m.now()
	r := glue.JobRun{ID: glue.NewID("jr"), JobName: job.Name, TriggerName: trigger, JobRunState: glue.JobRunStarting,
		StartedOn: glue.At(now), LastModifiedOn: glue.At(now), Arguments: job.RunArguments(a.Arguments), Timeout: job.Timeout,
		AllocatedCapacity: job.AllocatedCapacity, MaxCapacity: job.MaxCapacity,
		WorkerType: job.WorkerType, NumberOfWorkers: job.NumberOfWorkers, GlueVersion: job.GlueVersion,
		SecurityConfiguration: job.SecurityConfiguration, NotificationProperty: job.NotificationProperty,
		JobMode: job.JobMode, JobRunQueuingEnabled: job.JobRunQueuingEnabled, ExecutionClass: job.ExecutionClass,
		LogGroupName: glue.LogGroupName(job.Command.Name)}
	if a.Timeout != nil {
		r.Timeout = a.Timeout
	}
	if a.SecurityConfiguration != "" {
		r.SecurityConfiguration = a.SecurityConfiguration
	}
	if a.NotificationProperty != nil {
		r.NotificationProperty = a.NotificationProperty
	}
	return &glue.JobRunRecord{JobRun: r, WorkflowName: workflow, WorkflowRunID: runID, Action: a,
		Bookmarked: glue.Bookmarked(job.MergeArguments(a.Arguments))}
}

// startJob creates the job run an action asks for. A deleted job gives a run
// in ERROR; a job at its concurrency limit gives a FAILED run, or a WAITING
// one when queuing is enabled, as Glue does for trigger-started runs.
// It reports whether the new run ended at once.
func (m *machine) startJob(ctx context.Context, tx store.Tx, a glue.Action, trigger, workflow, runID string, preds []glue.Predecessor) (bool, error) {
	job, err := tx.Jobs().Get(ctx, a.JobName)
	if glue.IsCode(err, glue.EntityNotFound) {
		rec := m.newJobRunRecord(&glue.Job{Name: a.JobName}, a, trigger, workflow, runID)
		rec.JobRun.JobRunState, rec.JobRun.CompletedOn = glue.JobRunError, rec.JobRun.StartedOn
		rec.JobRun.ErrorMessage = fmt.Sprintf("Job %s does not exist; it may have been deleted", a.JobName)
		return true, tx.JobRuns().Insert(ctx, rec)
	}
	if err != nil {
		return false, err
	}
	rec := m.newJobRunRecord(job, a, trigger, workflow, runID)
	rec.JobRun.PredecessorRuns = preds
	active, err := tx.JobRuns().InStates(ctx, job.Name, glue.JobRunStarting, glue.JobRunRunning, glue.JobRunStopping)
	if err != nil {
		return false, err
	}
	if len(active) >= job.MaxConcurrent() {
		if job.JobRunQueuingEnabled != nil && *job.JobRunQueuingEnabled {
			rec.JobRun.JobRunState = glue.JobRunWaiting
		} else {
			rec.JobRun.JobRunState, rec.JobRun.CompletedOn = glue.JobRunFailed, rec.JobRun.StartedOn
			rec.JobRun.ErrorMessage = fmt.Sprintf("Job run failed: job %s exceeded its maximum of %d concurrent runs", job.Name, job.MaxConcurrent())
		}
	}
	return rec.JobRun.JobRunState.Terminal(), tx.JobRuns().Insert(ctx, rec)
}

// startCrawl creates the crawl an action asks for and marks the crawler
// RUNNING. A deleted crawler gives a crawl in ERROR, a crawler already
// running a FAILED crawl. It reports whether the crawl ended at once.
func (m *machine) startCrawl(ctx context.Context, tx store.Tx, name, trigger, workflow, runID string) (bool, error) {
	now := m.now()
	crawl := &glue.CrawlRecord{ID: glue.NewID("cr"), CrawlerName: name, TriggerName: trigger, WorkflowName: workflow,
		WorkflowRunID: runID, State: glue.CrawlRunning, StartedOn: glue.At(now)}
	c, err := tx.Crawlers().Get(ctx, name)
	switch {
	case glue.IsCode(err, glue.EntityNotFound):
		crawl.State, crawl.CompletedOn = glue.CrawlError, glue.At(now)
		crawl.ErrorMessage = fmt.Sprintf("Crawler %s does not exist; it may have been deleted", name)
	case err != nil:
		return false, err
	case c.State != glue.CrawlerStateReady:
		crawl.State, crawl.CompletedOn = glue.CrawlFailed, glue.At(now)
		crawl.ErrorMessage = fmt.Sprintf("Crawler %s is already %s", name, c.State)
	default:
		c.State = glue.CrawlerStateRunning
		if err := tx.Crawlers().Replace(ctx, name, c); err != nil {
			return false, err
		}
	}
	return crawl.State.Terminal(), tx.Crawls().Insert(ctx, crawl)
}

// fireActions starts every action of a trigger. It reports whether any of
// them ended at once (a deleted job, a job at its limit), which may let
// further triggers fire.
func (m *machine) fireActions(ctx context.Context, tx store.Tx, t *glue.Trigger, workflow, runID string, preds []glue.Predecessor) (bool, error) {
	m.emit(ctx, Event{Kind: TriggerFired, WorkflowRunID: runID,
		attrs: []any{"trigger", t.Name, "type", t.Type, "workflow", workflow, "workflow_run", runID, "actions", len(t.Actions)}})
	anyEnded := false
	for _, a := range t.Actions {
		var ended bool
		var err error
		if a.CrawlerName != "" {
			ended, err = m.startCrawl(ctx, tx, a.CrawlerName, t.Name, workflow, runID)
		} else {
			ended, err = m.startJob(ctx, tx, a, t.Name, workflow, runID, preds)
		}
		if err != nil {
			return false, err
		}
		anyEnded = anyEnded || ended
	}
	return anyEnded, nil
}

// runView is what evaluation needs about a workflow run.
type runView struct {
	run     *glue.WorkflowRunRecord
	members []glue.MemberSummary
	state   RunState
}

// loadRun reads a run for evaluation. Its job runs and crawls are read as
// summaries (columns, not documents), so a transition costs the same
// however many records the run holds.
func (m *machine) loadRun(ctx context.Context, tx store.Tx, workflow, runID string) (*runView, error) {
	run, err := tx.WorkflowRuns().Get(ctx, workflow, runID)
	if err != nil {
		return nil, err
	}
	v := &runView{run: run}
	if v.members, err = memberSummaries(ctx, tx, run); err != nil {
		return nil, err
	}
	fired, err := tx.Firings().List(ctx, runID)
	if err != nil {
		return nil, err
	}
	v.state = RunState{Triggers: run.Triggers, Fired: map[string]bool{}, Outcomes: map[NodeRef][]string{},
		Stopping: run.Run.Status == glue.WorkflowRunStopping}
	for _, f := range fired {
		v.state.Fired[f] = true
	}
	for _, m := range v.members {
		switch {
		case !m.Terminal():
			v.state.Active++
		case !m.Retried:
			k := NodeRef{m.Type, m.Name}
			v.state.Outcomes[k] = append(v.state.Outcomes[k], m.State)
		}
	}
	return v, nil
}

// memberSummaries returns a run's job runs and crawls as summaries,
// including those a resumed run carries over from the run it resumed.
func memberSummaries(ctx context.Context, tx store.Tx, run *glue.WorkflowRunRecord) ([]glue.MemberSummary, error) {
	jobs, err := tx.JobRuns().Summaries(ctx, run.Run.WorkflowRunID)
	if err != nil {
		return nil, err
	}
	crawls, err := tx.Crawls().Summaries(ctx, run.Run.WorkflowRunID)
	if err != nil {
		return nil, err
	}
	out := append(jobs, crawls...)
	if len(run.CarriedJobRuns)+len(run.CarriedCrawls) == 0 {
		return out, nil
	}
	carried := &glue.WorkflowRunRecord{CarriedJobRuns: run.CarriedJobRuns, CarriedCrawls: run.CarriedCrawls}
	cj, cc, err := store.CarriedMembers(ctx, tx, carried)
	if err != nil {
		return nil, err
	}
	for _, r := range cj {
		out = append(out, glue.MemberSummary{ID: r.JobRun.ID, Type: glue.NodeJob, Name: r.JobRun.JobName, State: string(r.JobRun.JobRunState), Retried: r.Retried})
	}
	for _, c := range cc {
		out = append(out, glue.MemberSummary{ID: c.ID, Type: glue.NodeCrawler, Name: c.CrawlerName, State: string(c.State)})
	}
	return out, nil
}

// settle brings a workflow run up to date within tx: it fires every trigger
// whose predicate now holds (recording each firing under the run's id, so a
// trigger fires at most once per run), repeats while firing ends actions at
// once, and ends the run when nothing is active and nothing can fire.
func (m *machine) settle(ctx context.Context, tx store.Tx, workflow, runID string) error {
	for {
		v, err := m.loadRun(ctx, tx, workflow, runID)
		if err != nil {
			return err
		}
		if !v.run.Active() {
			return nil
		}
		fire := Evaluate(v.state)
		if len(fire) == 0 {
			if v.state.Active == 0 {
				return m.endRun(ctx, tx, v.run)
			}
			return nil
		}
		again := false
		for _, t := range fire {
			fresh, err := tx.Firings().Insert(ctx, runID, t.Name)
			if err != nil {
				return err
			}
			if !fresh {
				continue
			}
			ended, err := m.fireActions(ctx, tx, t, workflow, runID, predecessors(t, v.members))
			if err != nil {
				return err
			}
			again = again || ended || len(t.Actions) == 0
		}
		if !again {
			return nil // what fired is now active: the run goes on
		}
	}
}

func (m *machine) endRun(ctx context.Context, tx store.Tx, run *glue.WorkflowRunRecord) error {
	if run.Run.Status == glue.WorkflowRunStopping {
		run.Run.Status = glue.WorkflowRunStopped
	} else {
		run.Run.Status = glue.WorkflowRunCompleted
	}
	if run.Run.CompletedOn.IsZero() {
		run.Run.CompletedOn = glue.At(m.now())
	}
	jobRuns, crawls, err := store.RunMembers(ctx, tx, run)
	if err != nil {
		return err
	}
	st := glue.ComputeStatistics(jobRuns, crawls)
	m.emit(ctx, Event{Kind: WorkflowRunEnded, WorkflowRunID: run.Run.WorkflowRunID, State: string(run.Run.Status),
		attrs: []any{"workflow", run.Run.Name, "workflow_run", run.Run.WorkflowRunID, "status", run.Run.Status,
			"duration", run.Run.CompletedOn.Sub(run.Run.StartedOn.Time), "total", st.TotalActions, "succeeded", st.SucceededActions,
			"failed", st.FailedActions, "timeout", st.TimeoutActions, "stopped", st.StoppedActions, "errored", st.ErroredActions}})
	return tx.WorkflowRuns().Update(ctx, run)
}

// predecessors returns the final job runs that satisfied a trigger's job
// conditions.
func predecessors(t *glue.Trigger, members []glue.MemberSummary) []glue.Predecessor {
	if t.Predicate == nil {
		return nil
	}
	var out []glue.Predecessor
	for _, c := range t.Predicate.Conditions {
		if c.JobName == "" {
			continue
		}
		for i := len(members) - 1; i >= 0; i-- {
			m := members[i]
			if m.Type == glue.NodeJob && m.Name == c.JobName && !m.Retried && m.State == c.State {
				out = append(out, glue.Predecessor{JobName: m.Name, RunID: m.ID})
				break
			}
		}
	}
	return out
}

// fireStandalone evaluates the ACTIVATED conditional triggers outside any
// workflow that watch a node which just reached a final state. As in Glue,
// only runs that a trigger started count: a job started by StartJobRun does
// not fire dependent triggers. Each watched node contributes its latest
// trigger-started final outcome; key (the completing run) makes each
// trigger fire at most once per completion.
func (m *machine) fireStandalone(ctx context.Context, tx store.Tx, node NodeRef, key, startedBy string) error {
	if startedBy == "" {
		return nil
	}
	triggers, err := tx.Triggers().List(ctx, glue.ListOptions{})
	if err != nil {
		return err
	}
	for _, t := range triggers {
		if t.WorkflowName != "" || t.Type != glue.TriggerConditional || t.State != glue.TriggerActivated || !Watches(t, node) {
			continue
		}
		outcomes, preds, err := standaloneOutcomes(ctx, tx, t)
		if err != nil {
			return err
		}
		if !Satisfied(t.Predicate, outcomes) {
			continue
		}
		fresh, err := tx.Firings().Insert(ctx, key, t.Name)
		if err != nil {
			return err
		}
		if fresh {
			if _, err := m.fireActions(ctx, tx, t, "", "", preds); err != nil {
				return err
			}
		}
	}
	return nil
}

func standaloneOutcomes(ctx context.Context, tx store.Tx, t *glue.Trigger) (map[NodeRef][]string, []glue.Predecessor, error) {
	outcomes := map[NodeRef][]string{}
	var preds []glue.Predecessor
	for _, c := range t.Predicate.Conditions {
		if c.CrawlerName != "" {
			crawls, err := tx.Crawls().List(ctx, c.CrawlerName, 0, 20)
			if err != nil {
				return nil, nil, err
			}
			if i := slices.IndexFunc(crawls, func(cr *glue.CrawlRecord) bool { return cr.TriggerName != "" && cr.WorkflowRunID == "" }); i >= 0 && crawls[i].State.Terminal() {
				k := NodeRef{glue.NodeCrawler, c.CrawlerName}
				outcomes[k] = []string{string(crawls[i].State)}
			}
			continue
		}
		r, err := tx.JobRuns().LatestTriggered(ctx, c.JobName)
		if err != nil {
			return nil, nil, err
		}
		if r != nil && r.JobRun.JobRunState.Terminal() {
			outcomes[NodeRef{glue.NodeJob, c.JobName}] = []string{string(r.JobRun.JobRunState)}
			if string(r.JobRun.JobRunState) == c.State {
				preds = append(preds, glue.Predecessor{JobName: c.JobName, RunID: r.JobRun.ID})
			}
		}
	}
	return outcomes, preds, nil
}
