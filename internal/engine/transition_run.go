package engine

import (
	"context"
	"maps"
	"slices"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// startRun creates and starts a workflow run within tx.
func (m *machine) startRun(ctx context.Context, tx store.Tx, name string, props map[string]string, batch *glue.StartingEventBatchCondition) (*glue.WorkflowRunRecord, error) {
	wf, err := tx.Workflows().Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := checkRunLimit(ctx, tx, wf); err != nil {
		return nil, err
	}
	triggers, err := tx.Triggers().List(ctx, glue.ListOptions{Workflow: name})
	if err != nil {
		return nil, err
	}
	merged := maps.Clone(wf.DefaultRunProperties)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, props)
	run := &glue.WorkflowRunRecord{Triggers: triggers, Run: glue.WorkflowRun{Name: name, WorkflowRunID: glue.NewID("wr"),
		WorkflowRunProperties: merged, StartedOn: glue.At(m.now()), Status: glue.WorkflowRunRunning, StartingEventBatchCondition: batch}}
	if err := tx.WorkflowRuns().Insert(ctx, run); err != nil {
		return nil, err
	}
	m.emit(ctx, Event{Kind: WorkflowRunStarted, WorkflowRunID: run.Run.WorkflowRunID,
		attrs: []any{"workflow", name, "workflow_run", run.Run.WorkflowRunID}})
	for _, t := range triggers {
		if !t.Type.IsStart() {
			continue
		}
		if _, err := tx.Firings().Insert(ctx, run.Run.WorkflowRunID, t.Name); err != nil {
			return nil, err
		}
		if _, err := m.fireActions(ctx, tx, t, name, run.Run.WorkflowRunID, nil); err != nil {
			return nil, err
		}
	}
	return run, m.settle(ctx, tx, name, run.Run.WorkflowRunID)
}

func checkRunLimit(ctx context.Context, tx store.Tx, wf *glue.Workflow) error {
	if wf.MaxConcurrentRuns == nil || *wf.MaxConcurrentRuns <= 0 {
		return nil
	}
	active, err := tx.WorkflowRuns().Active(ctx, wf.Name)
	if err != nil {
		return err
	}
	if len(active) >= int(*wf.MaxConcurrentRuns) {
		return glue.Errorf(glue.ConcurrentRunsExceeded, "Concurrent runs exceeded for workflow: %s.", wf.Name)
	}
	return nil
}

// stopMembers marks a stopping run's active job runs and crawls and returns
// the ids whose processes or crawls must be told to stop.
func (m *machine) stopMembers(ctx context.Context, tx store.Tx, runID string) ([]string, error) {
	var signal []string
	jobRuns, err := tx.JobRuns().OfWorkflowRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	for _, r := range jobRuns {
		ids, err := m.stopJobRun(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		signal = append(signal, ids...)
	}
	crawls, err := tx.Crawls().OfWorkflowRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	for _, c := range crawls {
		if c.State == glue.CrawlRunning {
			c.State = glue.CrawlCancelling
			if err := tx.Crawls().Update(ctx, c); err != nil {
				return nil, err
			}
			signal = append(signal, c.ID)
		}
	}
	return signal, nil
}

// stopJobRun stops one job run within tx: a run not yet started ends
// STOPPED now, a running one goes STOPPING and its id is returned to signal.
func (m *machine) stopJobRun(ctx context.Context, tx store.Tx, r *glue.JobRunRecord) ([]string, error) {
	switch r.JobRun.JobRunState {
	case glue.JobRunStarting, glue.JobRunWaiting:
		now := m.now()
		r.JobRun.JobRunState, r.JobRun.CompletedOn, r.JobRun.LastModifiedOn = glue.JobRunStopped, glue.At(now), glue.At(now)
		return nil, tx.JobRuns().Update(ctx, r)
	case glue.JobRunRunning:
		r.JobRun.JobRunState, r.JobRun.LastModifiedOn = glue.JobRunStopping, glue.At(m.now())
		return []string{r.JobRun.ID}, tx.JobRuns().Update(ctx, r)
	case glue.JobRunStopping:
		return []string{r.JobRun.ID}, nil
	}
	return nil, nil
}

func (m *machine) resume(ctx context.Context, tx store.Tx, name, runID string, nodeIDs []string) (string, []string, error) {
	wf, err := tx.Workflows().Get(ctx, name)
	if err != nil {
		return "", nil, err
	}
	old, err := m.loadRun(ctx, tx, name, runID)
	if err != nil {
		return "", nil, err
	}
	if old.run.Run.Status != glue.WorkflowRunCompleted {
		return "", nil, glue.Errorf(glue.IllegalWorkflowState, "Workflow run %s is %s; only a COMPLETED run can be resumed", runID, old.run.Run.Status)
	}
	if err := checkRunLimit(ctx, tx, wf); err != nil {
		return "", nil, err
	}
	plan, err := planResume(name, old, nodeIDs)
	if err != nil {
		return "", nil, err
	}
	oldJobRuns, oldCrawls, err := store.RunMembers(ctx, tx, old.run)
	if err != nil {
		return "", nil, err
	}
	run := &glue.WorkflowRunRecord{Triggers: old.run.Triggers, Run: glue.WorkflowRun{Name: name, WorkflowRunID: glue.NewID("wr"),
		PreviousRunID: runID, WorkflowRunProperties: maps.Clone(old.run.Run.WorkflowRunProperties), StartedOn: glue.At(m.now()),
		Status: glue.WorkflowRunRunning}}
	for _, r := range oldJobRuns {
		if !plan.rerun[NodeRef{glue.NodeJob, r.JobRun.JobName}] {
			run.CarriedJobRuns = append(run.CarriedJobRuns, r.JobRun.ID)
		}
	}
	for _, c := range oldCrawls {
		if !plan.rerun[NodeRef{glue.NodeCrawler, c.CrawlerName}] {
			run.CarriedCrawls = append(run.CarriedCrawls, c.ID)
		}
	}
	if err := tx.WorkflowRuns().Insert(ctx, run); err != nil {
		return "", nil, err
	}
	if err := m.carryFirings(ctx, tx, runID, run.Run.WorkflowRunID, plan); err != nil {
		return "", nil, err
	}
	for _, n := range plan.start {
		if err := m.restartNode(ctx, tx, run, n, oldJobRuns); err != nil {
			return "", nil, err
		}
	}
	return run.Run.WorkflowRunID, plan.startIDs, m.settle(ctx, tx, name, run.Run.WorkflowRunID)
}

// carryFirings copies the old run's firings of triggers that are not
// downstream of a restarted node, so they do not fire again.
func (m *machine) carryFirings(ctx context.Context, tx store.Tx, oldID, newID string, plan *resumePlan) error {
	fired, err := tx.Firings().List(ctx, oldID)
	if err != nil {
		return err
	}
	for _, t := range fired {
		if plan.retrigger[t] {
			continue
		}
		if _, err := tx.Firings().Insert(ctx, newID, t); err != nil {
			return err
		}
	}
	return nil
}

// restartNode starts a selected node again with the action that started it
// in the original run.
func (m *machine) restartNode(ctx context.Context, tx store.Tx, run *glue.WorkflowRunRecord, n NodeRef, old []*glue.JobRunRecord) error {
	if n.Type == glue.NodeCrawler {
		_, err := m.startCrawl(ctx, tx, n.Name, startingTrigger(run.Triggers, n), run.Run.Name, run.Run.WorkflowRunID)
		return err
	}
	action := glue.Action{JobName: n.Name}
	trigger := startingTrigger(run.Triggers, n)
	for _, r := range old {
		if r.JobRun.JobName == n.Name {
			action, trigger = r.Action, r.JobRun.TriggerName
		}
	}
	_, err := m.startJob(ctx, tx, action, trigger, run.Run.Name, run.Run.WorkflowRunID, nil)
	return err
}

func startingTrigger(triggers []*glue.Trigger, n NodeRef) string {
	for _, t := range triggers {
		for _, a := range t.Actions {
			if (n.Type == glue.NodeCrawler && a.CrawlerName == n.Name) || (n.Type == glue.NodeJob && a.JobName == n.Name) {
				return t.Name
			}
		}
	}
	return ""
}

// resumePlan says what a resume restarts.
type resumePlan struct {
	start     []NodeRef        // nodes to start now
	startIDs  []string         // their UniqueIds
	rerun     map[NodeRef]bool // started now or downstream of those
	retrigger map[string]bool  // triggers downstream of started nodes
}

func planResume(workflow string, old *runView, nodeIDs []string) (*resumePlan, error) {
	g := glue.DeriveGraph(workflow, old.run.Triggers)
	byID := map[string]*glue.Node{}
	for _, n := range g.Nodes {
		byID[n.UniqueID] = n
	}
	ran := map[NodeRef]bool{}
	for k := range old.state.Outcomes {
		ran[k] = true
	}
	for _, m := range old.members {
		ran[NodeRef{m.Type, m.Name}] = true
	}
	selected := map[string]bool{}
	for _, id := range nodeIDs {
		n, ok := byID[id]
		if !ok {
			return nil, glue.Errorf(glue.InvalidInput, "NodeIds: %s is not a node of workflow run %s", id, old.run.Run.WorkflowRunID)
		}
		if n.Type == glue.NodeTrigger {
			return nil, glue.Errorf(glue.InvalidInput, "NodeIds: %s is the trigger %s; only job and crawler nodes can be resumed", id, n.Name)
		}
		if !ran[NodeRef{n.Type, n.Name}] {
			return nil, glue.Errorf(glue.InvalidInput, "NodeIds: %s %s did not run in workflow run %s and cannot be resumed", n.Type, n.Name, old.run.Run.WorkflowRunID)
		}
		selected[id] = true
	}
	down := downstream(g)
	plan := &resumePlan{rerun: map[NodeRef]bool{}, retrigger: map[string]bool{}}
	for id := range selected {
		if slices.ContainsFunc(slices.Collect(maps.Keys(selected)), func(o string) bool { return o != id && down[o][id] }) {
			continue
		}
		n := byID[id]
		plan.start = append(plan.start, NodeRef{n.Type, n.Name})
		plan.startIDs = append(plan.startIDs, id)
		plan.rerun[NodeRef{n.Type, n.Name}] = true
		for d := range down[id] {
			dn := byID[d]
			if dn.Type == glue.NodeTrigger {
				plan.retrigger[dn.Name] = true
			} else {
				plan.rerun[NodeRef{dn.Type, dn.Name}] = true
			}
		}
	}
	slices.Sort(plan.startIDs)
	if len(plan.start) == 0 {
		return nil, glue.Errorf(glue.InvalidInput, "NodeIds: no node to resume")
	}
	return plan, nil
}

// downstream returns, for every node id, the set of node ids reachable from it.
func downstream(g *glue.WorkflowGraph) map[string]map[string]bool {
	next := map[string][]string{}
	for _, e := range g.Edges {
		next[e.SourceID] = append(next[e.SourceID], e.DestinationID)
	}
	out := map[string]map[string]bool{}
	for _, n := range g.Nodes {
		seen := map[string]bool{}
		stack := slices.Clone(next[n.UniqueID])
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !seen[id] {
				seen[id] = true
				stack = append(stack, next[id]...)
			}
		}
		out[n.UniqueID] = seen
	}
	return out
}
