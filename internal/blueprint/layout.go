package blueprint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Layout is the set of Glue entities a blueprint run creates, as the layout
// generator described them.
type Layout struct {
	Workflow     glue.Workflow
	WorkflowTags map[string]string
	Jobs         []JobSpec
	Crawlers     []CrawlerSpec
	Triggers     []TriggerSpec
}

// JobSpec is a job of a layout with its tags.
type JobSpec struct {
	Job  glue.Job
	Tags map[string]string
}

// CrawlerSpec is a crawler of a layout with its own cron schedule ("" for
// none) and tags.
type CrawlerSpec struct {
	Crawler  glue.Crawler
	Schedule string
	Tags     map[string]string
}

// TriggerSpec is a trigger of a layout and whether it starts activated.
type TriggerSpec struct {
	Trigger         glue.Trigger
	StartOnCreation bool
}

// The layout as the shim's Workflow.to_json writes it. Only the members the
// awsglue.blueprint library can express are read.
type (
	layoutDoc struct {
		Workflow *layoutWorkflow
		Crawlers []layoutCrawler
		Jobs     []layoutJob
		Triggers []layoutTrigger
	}
	layoutWorkflow struct {
		Name                 string
		Description          *string
		DefaultRunProperties stringMap
		Tags                 stringMap
	}
	layoutJob struct {
		Name                    string
		Description             *string
		LogURI                  string `json:"LogUri"`
		Role                    string
		ExecutionProperty       *glue.ExecutionProperty
		Command                 glue.JobCommand
		DefaultArguments        stringMap
		NonOverridableArguments stringMap
		Connections             *glue.ConnectionsList
		MaxRetries              int32
		AllocatedCapacity       int32
		Timeout                 *int32
		MaxCapacity             *float64
		SecurityConfiguration   string
		Tags                    stringMap
		NotificationProperty    *glue.NotificationProperty
		GlueVersion             string
		NumberOfWorkers         *int32
		WorkerType              string
	}
	layoutCrawler struct {
		Name                         string
		Description                  *string
		Role                         string
		Targets                      glue.CrawlerTargets
		DatabaseName                 string
		Classifiers                  []string
		SchemaChangePolicy           json.RawMessage
		TablePrefix                  *string
		Configuration                string
		CrawlerSecurityConfiguration string
		Tags                         stringMap
		Schedule                     string
	}
	layoutTrigger struct {
		Name                   string
		WorkflowName           string
		Type                   glue.TriggerType
		Schedule               string
		StartOnCreation        bool
		Actions                []glue.Action
		Predicate              *glue.Predicate
		EventBatchingCondition *glue.EventBatchingCondition
		Description            *string
	}
)

// stringMap decodes a JSON object of Glue's string maps (DefaultArguments,
// NonOverridableArguments, DefaultRunProperties, Tags): strings are kept
// as they are, numbers and booleans become their JSON text (as Glue takes
// the samples' True, 0.5 and 128), and objects and lists are refused, as
// no string can hold them.
type stringMap map[string]string

// UnmarshalJSON implements json.Unmarshaler.
func (m *stringMap) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw == nil {
		*m = nil
		return nil
	}
	out := make(stringMap, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			out[k] = s
			continue
		}
		switch value := decodeValue(v); value.(type) {
		case []any, map[string]any:
			return fmt.Errorf("the value of %q must be a string, number or boolean (DefaultArguments, NonOverridableArguments, DefaultRunProperties and Tags map names to strings), got %s",
				k, describe(value))
		}
		out[k] = string(compactOrNull(v))
	}
	*m = out
	return nil
}

// ParseLayout reads the layout JSON the runner returns
// ({"Workflow", "Crawlers", "Jobs", "Triggers"}) into Glue entities. JSON
// null means absent everywhere; see the package documentation for the other
// rules.
func ParseLayout(data []byte) (*Layout, error) {
	cleaned, err := dropNulls(data)
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	var doc layoutDoc
	dec := json.NewDecoder(bytes.NewReader(cleaned))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	if doc.Workflow == nil || doc.Workflow.Name == "" {
		return nil, errors.New("layout: the workflow has no Name")
	}
	l := &Layout{
		Workflow: glue.Workflow{Name: doc.Workflow.Name, Description: doc.Workflow.Description,
			DefaultRunProperties: doc.Workflow.DefaultRunProperties},
		WorkflowTags: doc.Workflow.Tags,
	}
	names := map[string]bool{}
	for i, j := range doc.Jobs {
		if err := checkName("Jobs", i, j.Name, names); err != nil {
			return nil, err
		}
		l.Jobs = append(l.Jobs, j.spec())
	}
	clear(names)
	for i, c := range doc.Crawlers {
		if err := checkName("Crawlers", i, c.Name, names); err != nil {
			return nil, err
		}
		l.Crawlers = append(l.Crawlers, c.spec())
	}
	clear(names)
	for i, t := range doc.Triggers {
		if err := checkName("Triggers", i, t.Name, names); err != nil {
			return nil, err
		}
		spec, err := t.spec(l.Workflow.Name)
		if err != nil {
			return nil, fmt.Errorf("layout: Triggers[%d] (%s): %w", i, t.Name, err)
		}
		l.Triggers = append(l.Triggers, spec)
	}
	return l, nil
}

func checkName(list string, i int, name string, seen map[string]bool) error {
	if name == "" {
		return fmt.Errorf("layout: %s[%d] has no Name", list, i)
	}
	if seen[name] {
		return fmt.Errorf("layout: %s has two entries named %s", list, name)
	}
	seen[name] = true
	return nil
}

func (j *layoutJob) spec() JobSpec {
	return JobSpec{Tags: j.Tags, Job: glue.Job{
		Name: j.Name, Description: j.Description, LogURI: j.LogURI, Role: j.Role,
		ExecutionProperty: j.ExecutionProperty, Command: j.Command,
		DefaultArguments: j.DefaultArguments, NonOverridableArguments: j.NonOverridableArguments,
		Connections: j.Connections, MaxRetries: j.MaxRetries, AllocatedCapacity: j.AllocatedCapacity,
		Timeout: j.Timeout, MaxCapacity: j.MaxCapacity, SecurityConfiguration: j.SecurityConfiguration,
		NotificationProperty: j.NotificationProperty, GlueVersion: j.GlueVersion,
		NumberOfWorkers: j.NumberOfWorkers, WorkerType: j.WorkerType,
	}}
}

func (c *layoutCrawler) spec() CrawlerSpec {
	return CrawlerSpec{Schedule: c.Schedule, Tags: c.Tags, Crawler: glue.Crawler{
		Name: c.Name, Description: c.Description, Role: c.Role, Targets: c.Targets,
		DatabaseName: c.DatabaseName, Classifiers: c.Classifiers, SchemaChangePolicy: c.SchemaChangePolicy,
		TablePrefix: c.TablePrefix, Configuration: c.Configuration,
		CrawlerSecurityConfiguration: c.CrawlerSecurityConfiguration,
	}}
}

func (t *layoutTrigger) spec(workflow string) (TriggerSpec, error) {
	switch t.WorkflowName {
	case "", workflow:
	default:
		return TriggerSpec{}, fmt.Errorf("the trigger belongs to workflow %s, not to the layout's workflow %s", t.WorkflowName, workflow)
	}
	switch t.Type {
	case glue.TriggerOnDemand, glue.TriggerScheduled, glue.TriggerConditional, glue.TriggerEvent:
	default:
		return TriggerSpec{}, fmt.Errorf("trigger type must be ON_DEMAND, SCHEDULED, CONDITIONAL or EVENT, got %q", t.Type)
	}
	tr := glue.Trigger{Name: t.Name, WorkflowName: workflow, Type: t.Type, Schedule: t.Schedule,
		Actions: t.Actions, Predicate: t.Predicate, EventBatchingCondition: t.EventBatchingCondition,
		Description: t.Description}
	tr.Normalize()
	return TriggerSpec{Trigger: tr, StartOnCreation: t.StartOnCreation}, nil
}

// dropNulls re-encodes a JSON document without the object members whose
// value is null, at any depth. Numbers keep their text.
func dropNulls(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("must be a JSON object, got %s", describe(v))
	}
	return mustMarshal(stripNulls(v)), nil
}

func stripNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			x[k] = stripNulls(e)
		}
	case []any:
		for i, e := range x {
			x[i] = stripNulls(e)
		}
	}
	return v
}
