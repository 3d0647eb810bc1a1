package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// failsCfg and failsLayout are a blueprint whose generator misbehaves as
// Kind says, or prints megabytes and succeeds ("print").
const failsCfg = `{
  "layoutGenerator": "fails.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String", "defaultValue": "printed"},
    "Kind": {"type": "String", "allowedValues": ["raise", "type", "notworkflow", "exit", "print"]}
  }
}`

const failsLayout = `import sys
` + bpPrelude + `

def one_job(**kw):
    return Job(Name="only", Role="r", Command={"Name": "pythonshell", "ScriptLocation": "/nonexistent.py"}, **kw)


def generate_layout(user_params, system_params):
    kind = user_params["Kind"]
    if kind == "raise":
        raise ValueError("no layout for region " + system_params["region"])
    if kind == "type":
        return Workflow(Name="typed", Entities=Entities(Jobs=[one_job(MaxCapacity=2)]))
    if kind == "notworkflow":
        return {"Workflow": {"Name": "dict"}}
    if kind == "exit":
        sys.exit(3)
    line = "x" * 1023 + "\n"
    for _ in range(6 * 1024):
        sys.stdout.write(line)
    for _ in range(2 * 1024):
        sys.stderr.write(line)
    print('{"Workflow": {"Name": "not-the-layout"}}')
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[one_job()]))
`

// Ensure a generator that raises, returns something else than a Workflow,
// builds an invalid entity or exits ends its run FAILED with an
// ErrorMessage naming the exception, creating nothing; that one printing
// 6 MB to stdout and 2 MB to stderr still SUCCEEDS; and that
// GetBlueprintRuns lists the runs newest first, page by page.
func TestBlueprintRun_GeneratorFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	registerBlueprint(t, b, "fails", gluetest.BlueprintZip(t, "fails", failsCfg, map[string]string{"layout.py": failsLayout}))

	var ids []string
	for _, c := range []struct {
		kind      string
		fragments []string
	}{
		{"raise", []string{"ValueError: no layout for region us-east-1"}},
		{"type", []string{"TypeError", "MaxCapacity"}},
		{"notworkflow", []string{"must return a Workflow", "dict"}},
		{"exit", []string{"SystemExit", "3"}},
	} {
		r := runBlueprint(t, b, "fails", map[string]any{"Kind": c.kind}, types.BlueprintRunStateFailed)
		ids = append(ids, aws.ToString(r.RunId))
		for _, f := range c.fragments {
			require.Contains(t, aws.ToString(r.ErrorMessage), f, "run of kind %s", c.kind)
		}
		require.Empty(t, aws.ToString(r.WorkflowName), "run of kind %s", c.kind)
		require.Empty(t, aws.ToString(r.RollbackErrorMessage), "run of kind %s", c.kind)
		requireNotBefore(t, r.CompletedOn, r.StartedOn, "CompletedOn of a failed run")
	}
	require.Empty(t, bpWorkflowNames(t, b))
	require.Empty(t, bpJobNames(t, b))
	require.Empty(t, bpTriggerNames(t, b))

	r := runBlueprint(t, b, "fails", map[string]any{"Kind": "print"}, types.BlueprintRunStateSucceeded)
	ids = append(ids, aws.ToString(r.RunId))
	require.Equal(t, "printed", aws.ToString(r.WorkflowName))
	requireBlueprintDetails(t, b, "printed", "fails", aws.ToString(r.RunId))
	require.Len(t, bpJobNames(t, b), 1)

	// Newest first, two per page.
	var got []string
	var pages int
	p := glue.NewGetBlueprintRunsPaginator(b.client, &glue.GetBlueprintRunsInput{BlueprintName: aws.String("fails"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.BlueprintRuns), 2)
		pages++
		for _, r := range page.BlueprintRuns {
			require.Equal(t, "fails", aws.ToString(r.BlueprintName))
			got = append(got, aws.ToString(r.RunId))
		}
	}
	require.Equal(t, 3, pages)
	want := make([]string, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		want = append(want, ids[i])
	}
	require.Equal(t, want, got)

	_, err := b.client.GetBlueprintRuns(ctx, &glue.GetBlueprintRunsInput{BlueprintName: aws.String("nope")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.GetBlueprintRun(ctx, &glue.GetBlueprintRunInput{BlueprintName: aws.String("fails"), RunId: aws.String("no-such-run")})
	requireCode(t, err, "EntityNotFoundException")
}

// collideCfg and collideLayout are a blueprint whose workflow creates the
// job second_<suffix> through boto3 (reaching Epoxy's Glue endpoint) just
// before handing over its layout of jobs first, second and third, so that
// entity creation fails halfway, on an entity the run did not create.
const collideCfg = `{"layoutGenerator": "collide.layout.generate_layout",
  "parameterSpec": {"WorkflowName": {"type": "String"}}}`

const collideLayout = `import boto3
` + bpPrelude + `

ROLE = "arn:aws:iam::123456789012:role/glue"
COMMAND = {"Name": "pythonshell", "ScriptLocation": "/nonexistent.py"}


class PreCreating(Workflow):
    def to_json(self, name_suffix=""):
        boto3.client("glue").create_job(Name="second_" + name_suffix, Role=ROLE, Command=COMMAND,
                                        Description="created before the run's entities")
        return super().to_json(name_suffix)


def generate_layout(user_params, system_params):
    first = Job(Name="first", Role=ROLE, Command=COMMAND)
    second = Job(Name="second", Role=ROLE, Command=COMMAND, DependsOn={first: "SUCCEEDED"})
    third = Job(Name="third", Role=ROLE, Command=COMMAND, DependsOn={second: "SUCCEEDED"})
    return PreCreating(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[first, second, third]))
`

// Ensure a run whose entity creation fails ends FAILED with the creation
// error and removes everything it created, and only that: a workflow name
// already taken (nothing created), a job that exists by the time the run
// creates it (the workflow and first job removed, the existing job kept), a
// start trigger CreateTrigger refuses (a whole fan layout removed), a
// conditional trigger watching a job that does not exist, and two
// concurrent runs for one workflow name (one wins, the other leaves nothing).
func TestBlueprintRun_Rollback(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	registerBlueprint(t, b, "shapes", shapesArchive(t))
	registerBlueprint(t, b, "collide", gluetest.BlueprintZip(t, "collide", collideCfg, map[string]string{"layout.py": collideLayout}))
	mustWorkflow(t, b, "taken")
	mustJob(t, b, "keep")
	script := pyScript(t, t.TempDir(), "ok", "print('ok')\n")
	requireOnly := func(workflows, jobs, crawlers, triggers []string) {
		t.Helper()
		require.Equal(t, bpSortedNames(workflows), bpWorkflowNames(t, b), "workflows")
		require.Equal(t, bpSortedNames(jobs), bpJobNames(t, b), "jobs")
		require.Equal(t, bpSortedNames(crawlers), bpCrawlerNames(t, b), "crawlers")
		require.Equal(t, bpSortedNames(triggers), bpTriggerNames(t, b), "triggers")
	}

	// The workflow exists: nothing is created and the workflow is untouched.
	r := runBlueprint(t, b, "shapes", map[string]any{"WorkflowName": "taken", "Script": script}, types.BlueprintRunStateFailed)
	require.Contains(t, aws.ToString(r.ErrorMessage), "taken")
	require.Contains(t, aws.ToString(r.ErrorMessage), "already exists")
	require.Empty(t, aws.ToString(r.RollbackErrorMessage))
	require.Empty(t, aws.ToString(r.WorkflowName))
	require.Nil(t, bpWorkflow(t, b, "taken").BlueprintDetails)
	requireOnly([]string{"taken"}, []string{"keep"}, nil, nil)

	// Halfway: second_<suffix> exists when the run creates it.
	r = runBlueprint(t, b, "collide", map[string]any{"WorkflowName": "collide-wf"}, types.BlueprintRunStateFailed)
	s := bpSuffix(t, b, "second")
	require.Contains(t, aws.ToString(r.ErrorMessage), "second_"+s)
	require.Contains(t, aws.ToString(r.ErrorMessage), "already exists")
	require.Empty(t, aws.ToString(r.RollbackErrorMessage))
	requireOnly([]string{"taken"}, []string{"keep", "second_" + s}, nil, nil)
	j, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("second_" + s)})
	require.NoError(t, err)
	require.Equal(t, "created before the run's entities", aws.ToString(j.Job.Description), "the existing job is kept as it was")

	// Last: the start trigger's schedule is refused after the workflow, six
	// jobs, two crawlers and seven conditional triggers were created.
	r = runBlueprint(t, b, "shapes", map[string]any{"WorkflowName": "doomed", "Shape": "fan", "Script": script, "Schedule": "cron(not a schedule)"},
		types.BlueprintRunStateFailed)
	require.Contains(t, aws.ToString(r.ErrorMessage), "doomed_starting_trigger")
	require.Empty(t, aws.ToString(r.RollbackErrorMessage))
	requireOnly([]string{"taken"}, []string{"keep", "second_" + s}, nil, nil)

	// A trigger watching a job the layout does not hold: CreateTrigger
	// fails after the workflow and both jobs were created.
	r = runBlueprint(t, b, "shapes", map[string]any{"WorkflowName": "haunted", "Shape": "ghost", "Script": script},
		types.BlueprintRunStateFailed)
	require.Contains(t, aws.ToString(r.ErrorMessage), "haunted_b_")
	require.Contains(t, aws.ToString(r.ErrorMessage), "ghost_")
	require.Empty(t, aws.ToString(r.RollbackErrorMessage))
	requireOnly([]string{"taken"}, []string{"keep", "second_" + s}, nil, nil)

	// Two runs for one workflow name at once: exactly one creates it.
	params := bpParams(t, map[string]any{"WorkflowName": "twice", "Script": script})
	ids := []string{startBlueprintRun(t, b, "shapes", params), startBlueprintRun(t, b, "shapes", params)}
	var winner string
	var failed int
	gluetest.Eventually(t, bpWait, func() bool {
		winner, failed = "", 0
		for _, id := range ids {
			switch run := getBlueprintRun(t, b, "shapes", id); run.State {
			case types.BlueprintRunStateSucceeded:
				winner = id
			case types.BlueprintRunStateFailed:
				failed++
				require.Contains(t, aws.ToString(run.ErrorMessage), "already exists")
			}
		}
		return winner != "" && failed == 1
	}, "one run of the two should succeed and the other fail")
	requireBlueprintDetails(t, b, "twice", "shapes", winner)
	w := bpSuffix(t, b, "extract")
	requireOnly([]string{"taken", "twice"}, []string{"keep", "second_" + s, "extract_" + w, "transform_" + w, "load_" + w}, nil,
		[]string{"twice_transform_" + w + "_trigger", "twice_load_" + w + "_trigger", "twice_starting_trigger"})
}
