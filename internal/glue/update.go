package glue

import "encoding/json"

// WorkflowUpdate holds the members UpdateWorkflow changes; nil members are
// left as they are.
type WorkflowUpdate struct {
	Description          *string
	DefaultRunProperties map[string]string
	MaxConcurrentRuns    *int32
}

// TriggerUpdate holds the members UpdateTrigger replaces; nil members are
// left as they are.
type TriggerUpdate struct {
	Description            *string
	Schedule               *string
	Actions                []Action
	Predicate              *Predicate
	EventBatchingCondition *EventBatchingCondition
}

// CrawlerUpdate holds the members UpdateCrawler changes; nil members are
// left as they are.
type CrawlerUpdate struct {
	Role                         *string
	DatabaseName                 *string
	Description                  *string
	Targets                      *CrawlerTargets
	Schedule                     *string
	Classifiers                  []string
	TablePrefix                  *string
	SchemaChangePolicy           json.RawMessage
	RecrawlPolicy                json.RawMessage
	LineageConfiguration         json.RawMessage
	LakeFormationConfiguration   json.RawMessage
	Configuration                *string
	CrawlerSecurityConfiguration *string
}

// Apply changes t by the members u sets.
func (u TriggerUpdate) Apply(t *Trigger) {
	if u.Description != nil {
		t.Description = u.Description
	}
	if u.Schedule != nil {
		t.Schedule = *u.Schedule
	}
	if u.Actions != nil {
		t.Actions = u.Actions
	}
	if u.Predicate != nil {
		t.Predicate = u.Predicate
	}
	if u.EventBatchingCondition != nil {
		t.EventBatchingCondition = u.EventBatchingCondition
	}
}
