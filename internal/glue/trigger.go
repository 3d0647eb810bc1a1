package glue

import (
	"fmt"
	"slices"
)

// TriggerType is the kind of a trigger.
type TriggerType string

// Trigger types.
const (
	TriggerScheduled   TriggerType = "SCHEDULED"
	TriggerConditional TriggerType = "CONDITIONAL"
	TriggerOnDemand    TriggerType = "ON_DEMAND"
	TriggerEvent       TriggerType = "EVENT"
)

// IsStart reports whether triggers of this type start a workflow run (every
// type but CONDITIONAL).
func (t TriggerType) IsStart() bool { return t != TriggerConditional }

// TriggerState is the state of a trigger.
type TriggerState string

// Trigger states Epoxy reports. Glue's transitional states (CREATING,
// ACTIVATING, ...) are never observable because changes commit at once.
const (
	TriggerCreated     TriggerState = "CREATED"
	TriggerActivated   TriggerState = "ACTIVATED"
	TriggerDeactivated TriggerState = "DEACTIVATED"
)

// Logical combines a predicate's conditions.
type Logical string

// Logical values.
const (
	LogicalAnd Logical = "AND"
	LogicalAny Logical = "ANY"
)

// Trigger starts jobs and crawlers: on demand, on a schedule, on events, or
// when the watched job runs and crawls reach given states.
type Trigger struct {
	Name                   string                  `json:"Name"`
	WorkflowName           string                  `json:"WorkflowName,omitempty"`
	ID                     string                  `json:"Id,omitempty"`
	Type                   TriggerType             `json:"Type"`
	State                  TriggerState            `json:"State"`
	Description            *string                 `json:"Description,omitempty"`
	Schedule               string                  `json:"Schedule,omitempty"`
	Actions                []Action                `json:"Actions"`
	Predicate              *Predicate              `json:"Predicate,omitempty"`
	EventBatchingCondition *EventBatchingCondition `json:"EventBatchingCondition,omitempty"`
}

// Action is one job run or crawl a trigger starts.
type Action struct {
	JobName               string                `json:"JobName,omitempty"`
	Arguments             map[string]string     `json:"Arguments,omitempty"`
	Timeout               *int32                `json:"Timeout,omitempty"`
	SecurityConfiguration string                `json:"SecurityConfiguration,omitempty"`
	NotificationProperty  *NotificationProperty `json:"NotificationProperty,omitempty"`
	CrawlerName           string                `json:"CrawlerName,omitempty"`
}

// Predicate is the condition of a CONDITIONAL trigger.
type Predicate struct {
	Logical    Logical     `json:"Logical,omitempty"`
	Conditions []Condition `json:"Conditions,omitempty"`
}

// Condition watches one job or crawler for a terminal state.
type Condition struct {
	LogicalOperator string `json:"LogicalOperator,omitempty"`
	JobName         string `json:"JobName,omitempty"`
	State           string `json:"State,omitempty"`
	CrawlerName     string `json:"CrawlerName,omitempty"`
	CrawlState      string `json:"CrawlState,omitempty"`
}

// EventBatchingCondition says how many events, or how long, an EVENT trigger
// collects before it starts a run.
type EventBatchingCondition struct {
	BatchSize   int32  `json:"BatchSize"`
	BatchWindow *int32 `json:"BatchWindow,omitempty"`
}

// NotificationProperty configures delay notifications for a job run.
type NotificationProperty struct {
	NotifyDelayAfter *int32 `json:"NotifyDelayAfter,omitempty"`
}

// Limits Glue places on a trigger's actions.
const (
	MaxCrawlersPerTrigger = 2
	MaxJobsPerTrigger     = 50
)

// ListenableJobStates returns the job run states a condition can wait for,
// in a new slice on each call.
func ListenableJobStates() []string { return []string{"SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT"} }

// ListenableCrawlStates returns the crawl states a condition can wait for,
// in a new slice on each call.
func ListenableCrawlStates() []string { return []string{"SUCCEEDED", "FAILED", "CANCELLED"} }

// Normalize fills the defaults Glue applies: a predicate without Logical
// means AND, and conditions compare with EQUALS.
func (t *Trigger) Normalize() {
	if t.Actions == nil {
		t.Actions = []Action{}
	}
	if t.Predicate == nil {
		return
	}
	if t.Predicate.Logical == "" {
		t.Predicate.Logical = LogicalAnd
	}
	for i := range t.Predicate.Conditions {
		if t.Predicate.Conditions[i].LogicalOperator == "" {
			t.Predicate.Conditions[i].LogicalOperator = "EQUALS"
		}
	}
}

// Validate checks the rules Glue applies to a trigger definition that need
// nothing but the trigger itself. References to workflows, jobs and crawlers
// are checked by the caller against the store.
func (t *Trigger) Validate() error {
	if err := t.validateType(); err != nil {
		return err
	}
	if err := t.validateActions(); err != nil {
		return err
	}
	return t.validatePredicate()
}

func (t *Trigger) validateType() error {
	switch t.Type {
	case TriggerScheduled:
		if t.Schedule == "" {
			return Errorf(InvalidInput, "Schedule is required for a trigger of type SCHEDULED")
		}
	case TriggerConditional:
		if t.Predicate == nil || len(t.Predicate.Conditions) == 0 {
			return Errorf(InvalidInput, "Predicate with at least one condition is required for a trigger of type CONDITIONAL")
		}
	case TriggerEvent:
		if t.WorkflowName == "" {
			return Errorf(InvalidInput, "a trigger of type EVENT must belong to a workflow (WorkflowName)")
		}
	}
	if t.Type != TriggerScheduled && t.Schedule != "" {
		return Errorf(InvalidInput, "Schedule is only allowed for a trigger of type SCHEDULED, not %s", t.Type)
	}
	if t.Type != TriggerConditional && t.Predicate != nil && len(t.Predicate.Conditions) > 0 {
		return Errorf(InvalidInput, "Predicate is only allowed for a trigger of type CONDITIONAL, not %s", t.Type)
	}
	if t.Type != TriggerEvent && t.EventBatchingCondition != nil {
		return Errorf(InvalidInput, "EventBatchingCondition is only allowed for a trigger of type EVENT, not %s", t.Type)
	}
	return nil
}

func (t *Trigger) validateActions() error {
	crawlers, jobs := 0, 0
	for i, a := range t.Actions {
		switch {
		case a.JobName != "" && a.CrawlerName != "":
			return Errorf(InvalidInput, "Actions[%d]: an action names either JobName or CrawlerName, not both", i)
		case a.JobName != "":
			jobs++
		case a.CrawlerName != "":
			crawlers++
		default:
			return Errorf(InvalidInput, "Actions[%d]: an action must name a JobName or a CrawlerName", i)
		}
	}
	if crawlers > MaxCrawlersPerTrigger {
		return Errorf(InvalidInput, "Actions: a trigger can start at most %d crawlers, got %d", MaxCrawlersPerTrigger, crawlers)
	}
	if jobs > MaxJobsPerTrigger {
		return Errorf(InvalidInput, "Actions: a trigger can start at most %d jobs, got %d", MaxJobsPerTrigger, jobs)
	}
	return nil
}

func (t *Trigger) validatePredicate() error {
	if t.Predicate == nil {
		return nil
	}
	for i, c := range t.Predicate.Conditions {
		if err := c.validate(fmt.Sprintf("Predicate.Conditions[%d]", i)); err != nil {
			return err
		}
		if c.JobName != "" && slices.ContainsFunc(t.Actions, func(a Action) bool { return a.JobName == c.JobName }) {
			return Errorf(InvalidInput, "Job cannot be a Predicate and Action for Conditional Trigger: job %s", c.JobName)
		}
	}
	return nil
}

func (c Condition) validate(path string) error {
	switch {
	case c.JobName != "" && c.CrawlerName != "":
		return Errorf(InvalidInput, "%s: a condition names either JobName or CrawlerName, not both", path)
	case c.JobName != "":
		if !slices.Contains(ListenableJobStates(), c.State) {
			return Errorf(InvalidInput, "%s.State: a job condition must wait for one of %v, got %q", path, ListenableJobStates(), c.State)
		}
		if c.CrawlState != "" {
			return Errorf(InvalidInput, "%s.CrawlState: a job condition takes State, not CrawlState", path)
		}
	case c.CrawlerName != "":
		if !slices.Contains(ListenableCrawlStates(), c.CrawlState) {
			return Errorf(InvalidInput, "%s.CrawlState: a crawler condition must wait for one of %v, got %q", path, ListenableCrawlStates(), c.CrawlState)
		}
		if c.State != "" {
			return Errorf(InvalidInput, "%s.State: a crawler condition takes CrawlState, not State", path)
		}
	default:
		return Errorf(InvalidInput, "%s: a condition must name a JobName or a CrawlerName", path)
	}
	return nil
}
