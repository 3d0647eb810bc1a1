package blueprint_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Ensure ParseLayout treats null as absent, stringifies argument values
// JSON-style, defaults Logical to AND and keeps Command as given.
func TestParseLayout(t *testing.T) {
	t.Parallel()
	l, err := blueprint.ParseLayout([]byte(`{
	  "Workflow": {"Name": "wf", "Description": null, "DefaultRunProperties": {"n": 1, "s": "x", "nil": null}, "Tags": {"team": "data"}},
	  "Crawlers": [{"Name": "c_s", "Role": "r", "Targets": {"S3Targets": [{"Path": "s3://b/", "Exclusions": null}], "JDBCTargets": [{"ConnectionName": "db"}]},
	                "SchemaChangePolicy": {"UpdateBehavior": "LOG", "DeleteBehavior": null}, "Schedule": "cron(0 1 * * ? *)", "Tags": {"k": "v"}, "TablePrefix": "t_"}],
	  "Jobs": [{"Name": "a_s", "Role": "r", "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/a.py", "PythonVersion": "3", "Runtime": "x"},
	            "DefaultArguments": {"--half": 0.5, "--yes": true, "--big": 128, "--exp": 1.5e300, "--s": "str", "--none": null},
	            "NonOverridableArguments": {"--f": 1e-07}, "MaxCapacity": 2.0, "NumberOfWorkers": null, "Tags": {"owner": "me"}, "MaxRetries": 3},
	           {"Name": "b_s", "Role": "r", "Command": {"Name": "pythonshell", "ScriptLocation": "s3://b/b.py"}}],
	  "Triggers": [
	    {"Name": "wf_b_s_trigger", "WorkflowName": "wf", "Type": "CONDITIONAL", "StartOnCreation": true, "Actions": [{"JobName": "b_s"}],
	     "Predicate": {"Conditions": [{"LogicalOperator": "EQUALS", "JobName": "a_s", "State": "SUCCEEDED"}]}},
	    {"Name": "wf_starting_trigger", "WorkflowName": "wf", "Type": "ON_DEMAND", "Actions": [{"JobName": "a_s"}, {"CrawlerName": "c_s"}]}
	  ]
	}`))
	require.NoError(t, err)

	require.Equal(t, glue.Workflow{Name: "wf", DefaultRunProperties: map[string]string{"n": "1", "s": "x"}}, l.Workflow)
	require.Equal(t, map[string]string{"team": "data"}, l.WorkflowTags)

	require.Len(t, l.Jobs, 2)
	a := l.Jobs[0]
	require.Equal(t, map[string]string{"--half": "0.5", "--yes": "true", "--big": "128", "--exp": "1.5e300", "--s": "str"},
		a.Job.DefaultArguments)
	require.Equal(t, map[string]string{"--f": "1e-07"}, a.Job.NonOverridableArguments)
	require.Equal(t, glue.JobCommand{Name: "glueetl", ScriptLocation: "s3://b/a.py", PythonVersion: "3", Runtime: "x"}, a.Job.Command)
	require.Equal(t, 2.0, *a.Job.MaxCapacity)
	require.Nil(t, a.Job.NumberOfWorkers)
	require.Equal(t, int32(3), a.Job.MaxRetries)
	require.Equal(t, map[string]string{"owner": "me"}, a.Tags)
	require.Nil(t, l.Jobs[1].Tags)

	require.Len(t, l.Crawlers, 1)
	c := l.Crawlers[0]
	require.Equal(t, "cron(0 1 * * ? *)", c.Schedule)
	require.Equal(t, map[string]string{"k": "v"}, c.Tags)
	require.Equal(t, []glue.S3Target{{Path: "s3://b/"}}, c.Crawler.Targets.S3Targets)
	require.JSONEq(t, `[{"ConnectionName": "db"}]`, string(c.Crawler.Targets.JdbcTargets))
	require.JSONEq(t, `{"UpdateBehavior": "LOG"}`, string(c.Crawler.SchemaChangePolicy))
	require.Equal(t, "t_", *c.Crawler.TablePrefix)

	require.Len(t, l.Triggers, 2)
	cond := l.Triggers[0]
	require.True(t, cond.StartOnCreation)
	require.Equal(t, glue.TriggerConditional, cond.Trigger.Type)
	require.Equal(t, glue.LogicalAnd, cond.Trigger.Predicate.Logical, "a missing Logical means AND")
	start := l.Triggers[1]
	require.False(t, start.StartOnCreation)
	require.Equal(t, []glue.Action{{JobName: "a_s"}, {CrawlerName: "c_s"}}, start.Trigger.Actions)
	require.Nil(t, start.Trigger.Predicate)
}

// Ensure malformed layouts are refused with a precise message.
func TestParseLayout_Errors(t *testing.T) {
	t.Parallel()
	job := func(name string) string {
		return `{"Name": "` + name + `", "Role": "r", "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/x.py"}}`
	}
	tests := []struct {
		name, layout, want string
	}{
		{"not an object", `[]`, "layout: must be a JSON object, got a list"},
		{"no workflow", `{"Jobs": []}`, "layout: the workflow has no Name"},
		{"workflow without name", `{"Workflow": {"Name": null}}`, "layout: the workflow has no Name"},
		{"job without name", `{"Workflow": {"Name": "wf"}, "Jobs": [{"Role": "r"}]}`, "layout: Jobs[0] has no Name"},
		{"duplicate job", `{"Workflow": {"Name": "wf"}, "Jobs": [` + job("a") + `,` + job("a") + `]}`, "layout: Jobs has two entries named a"},
		{"wrong field type", `{"Workflow": {"Name": "wf"}, "Jobs": [{"Name": "a", "MaxRetries": "3"}]}`, "layout: json: cannot unmarshal string"},
		{"foreign workflow", `{"Workflow": {"Name": "wf"}, "Triggers": [{"Name": "t", "WorkflowName": "other", "Type": "ON_DEMAND"}]}`,
			"layout: Triggers[0] (t): the trigger belongs to workflow other, not to the layout's workflow wf"},
		{"list argument", `{"Workflow": {"Name": "wf"}, "Jobs": [{"Name": "a", "DefaultArguments": {"--keys": ["a", "b"]}}]}`,
			`layout: the value of "--keys" must be a string, number or boolean (DefaultArguments, NonOverridableArguments, DefaultRunProperties and Tags map names to strings), got a list`},
		{"object tag", `{"Workflow": {"Name": "wf", "Tags": {"team": {"name": "data"}}}}`,
			`layout: the value of "team" must be a string, number or boolean`},
		{"bad trigger type", `{"Workflow": {"Name": "wf"}, "Triggers": [{"Name": "t", "Type": "SOMETIMES"}]}`,
			`layout: Triggers[0] (t): trigger type must be ON_DEMAND, SCHEDULED, CONDITIONAL or EVENT, got "SOMETIMES"`},
	}
	for _, tt := range tests {
		_, err := blueprint.ParseLayout([]byte(tt.layout))
		require.ErrorContains(t, err, tt.want, tt.name)
	}

	// A trigger without WorkflowName joins the layout's workflow.
	l, err := blueprint.ParseLayout([]byte(`{"Workflow": {"Name": "wf"}, "Triggers": [{"Name": "t", "Type": "ON_DEMAND"}]}`))
	require.NoError(t, err)
	require.Equal(t, "wf", l.Triggers[0].Trigger.WorkflowName)
	require.Equal(t, []glue.Action{}, l.Triggers[0].Trigger.Actions)
	_, err = json.Marshal(l)
	require.NoError(t, err)
}

// Ensure an EVENT start trigger keeps its EventBatchingCondition.
func TestParseLayout_EventTrigger(t *testing.T) {
	t.Parallel()
	l, err := blueprint.ParseLayout([]byte(`{"Workflow": {"Name": "wf"}, "Triggers": [{"Name": "wf_starting_trigger",
	  "WorkflowName": "wf", "Type": "EVENT", "Actions": [{"JobName": "a_s"}], "EventBatchingCondition": {"BatchSize": 1}}]}`))
	require.NoError(t, err)
	require.Len(t, l.Triggers, 1)
	require.Equal(t, glue.TriggerEvent, l.Triggers[0].Trigger.Type)
	require.Equal(t, &glue.EventBatchingCondition{BatchSize: 1}, l.Triggers[0].Trigger.EventBatchingCondition)
	require.False(t, l.Triggers[0].StartOnCreation)
}
