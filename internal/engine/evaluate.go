package engine

import (
	"slices"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// NodeRef names a job or crawler node of a workflow.
type NodeRef struct {
	Type glue.NodeType
	Name string
}

// RunState is everything trigger evaluation needs to know about one
// workflow run: the trigger snapshot, which triggers fired, the final states
// each job and crawler reached in the run, and how much is still active.
type RunState struct {
	Triggers []*glue.Trigger
	Fired    map[string]bool
	// Outcomes holds, per node, the terminal states its final attempts
	// reached in this run (a failed attempt that was retried is not final).
	Outcomes map[NodeRef][]string
	// Active counts job runs and crawls that have not reached a terminal
	// state, retries included.
	Active int
	// Stopping is set once StopWorkflowRun was called: nothing fires then.
	Stopping bool
}

// Evaluate returns the triggers of the run that fire now: ACTIVATED
// CONDITIONAL triggers that have not fired in this run and whose predicate
// holds. It is a pure function of the run's state.
func Evaluate(s RunState) []*glue.Trigger {
	if s.Stopping {
		return nil
	}
	var fire []*glue.Trigger
	for _, t := range s.Triggers {
		if t.Type != glue.TriggerConditional || t.State != glue.TriggerActivated || s.Fired[t.Name] {
			continue
		}
		if Satisfied(t.Predicate, s.Outcomes) {
			fire = append(fire, t)
		}
	}
	return fire
}

// Finished reports whether the run has ended: nothing is active and no
// trigger can fire any more. A run with failed jobs or branches that never
// ran still finishes, as in Glue.
func Finished(s RunState) bool {
	return s.Active == 0 && len(Evaluate(s)) == 0
}

// Satisfied reports whether a predicate holds for the given outcomes: with
// AND (the default) every condition must be met, with ANY at least one.
func Satisfied(p *glue.Predicate, outcomes map[NodeRef][]string) bool {
	if p == nil || len(p.Conditions) == 0 {
		return false
	}
	met := 0
	for _, c := range p.Conditions {
		if conditionMet(c, outcomes) {
			met++
		}
	}
	if p.Logical == glue.LogicalAny {
		return met > 0
	}
	return met == len(p.Conditions)
}

func conditionMet(c glue.Condition, outcomes map[NodeRef][]string) bool {
	if c.CrawlerName != "" {
		return slices.Contains(outcomes[NodeRef{glue.NodeCrawler, c.CrawlerName}], c.CrawlState)
	}
	return slices.Contains(outcomes[NodeRef{glue.NodeJob, c.JobName}], c.State)
}

// Watches reports whether a trigger's predicate names the node.
func Watches(t *glue.Trigger, n NodeRef) bool {
	if t.Predicate == nil {
		return false
	}
	for _, c := range t.Predicate.Conditions {
		if (n.Type == glue.NodeCrawler && c.CrawlerName == n.Name) || (n.Type == glue.NodeJob && c.JobName == n.Name && c.CrawlerName == "") {
			return true
		}
	}
	return false
}
