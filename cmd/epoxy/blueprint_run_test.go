package main

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// shapesCfg and shapesLayout are a blueprint whose generator builds one of
// two workflows: "chain" (extract → transform → load) or "fan" (crawler
// raw → a → b, c → d (AND), e (ANY), f (no WaitForDependencies) and
// crawler curated after d), or "ghost" (b waits for a and for a job that
// is not in the layout, so its trigger cannot be created). Every job runs the script given as Script;
// crawlers crawl Data; Schedule becomes the workflow's OnSchedule.
const shapesCfg = `{
  "layoutGenerator": "shapes.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String", "description": "name of the workflow to create"},
    "Shape": {"type": "String", "allowedValues": ["chain", "fan", "ghost"], "defaultValue": "chain"},
    "Role": {"type": "IAMRoleArn", "defaultValue": "arn:aws:iam::123456789012:role/glue"},
    "Script": {"type": "String", "defaultValue": "/nonexistent/script.py"},
    "Data": {"type": "String", "defaultValue": "/nonexistent/data"},
    "Schedule": {"type": "String", "defaultValue": ""}
  }
}`

const shapesLayout = bpPrelude + `

def job(name, p, **kw):
    command = {"Name": "pythonshell", "ScriptLocation": p["Script"], "PythonVersion": "3.9"}
    return Job(Name=name, Role=p["Role"], Command=command, **kw)


def crawler(name, p, **kw):
    return Crawler(Name=name, Role=p["Role"], Targets={"S3Targets": [{"Path": p["Data"]}]}, **kw)


def chain(p):
    extract = job("extract", p, DefaultArguments={"--n": 1, "--ratio": 0.5, "--flag": True, "--s": "x"})
    transform = job("transform", p, DependsOn={extract: "SUCCEEDED"})
    load = job("load", p, DependsOn={transform: "SUCCEEDED"})
    return Entities(Jobs=[extract, transform, load])


def fan(p):
    raw = crawler("raw", p)
    a = job("a", p, DependsOn={raw: "SUCCEEDED"})
    b = job("b", p, DependsOn={a: "SUCCEEDED"})
    c = job("c", p, DependsOn={a: "SUCCEEDED"})
    d = job("d", p, DependsOn={b: "SUCCEEDED", c: "SUCCEEDED"}, WaitForDependencies="AND")
    e = job("e", p, DependsOn={b: "SUCCEEDED", c: "SUCCEEDED"}, WaitForDependencies="ANY")
    f = job("f", p, DependsOn={b: "SUCCEEDED", c: "SUCCEEDED"})
    curated = crawler("curated", p, DependsOn={d: "SUCCEEDED"})
    return Entities(Jobs=[a, b, c, d, e, f], Crawlers=[raw, curated])


def ghost(p):
    a = job("a", p)
    b = job("b", p, DependsOn={a: "SUCCEEDED", job("ghost", p): "SUCCEEDED"})
    return Entities(Jobs=[a, b])


def generate_layout(user_params, system_params):
    p = user_params
    entities = {"chain": chain, "fan": fan, "ghost": ghost}[p["Shape"]](p)
    return Workflow(Name=p["WorkflowName"], Description="shape " + p["Shape"], Entities=entities,
                    DefaultRunProperties={"shape": p["Shape"]}, OnSchedule=p["Schedule"] or None)
`

func shapesArchive(t testing.TB) []byte {
	return gluetest.BlueprintZip(t, "shapes", shapesCfg, map[string]string{"layout.py": shapesLayout})
}

// Ensure a run of a chain layout goes RUNNING → SUCCEEDED and creates an
// ordinary workflow: BlueprintDetails naming the run, jobs suffixed per run
// (non-string DefaultArguments turned into text), the triggers of
// blueprints.md §2.5, and a StartWorkflowRun that runs the jobs in order to
// COMPLETED. The original archive may be deleted once registered, and a
// second run (OnSchedule) gets its own suffix and a SCHEDULED start trigger.
func TestBlueprintRun_Chain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	src := registerBlueprint(t, b, "shapes", shapesArchive(t))
	require.NoError(t, os.Remove(src), "runs use the registered copy, not the original")
	script := pyScript(t, t.TempDir(), "ok", "print('ok')\n")

	params := bpParams(t, map[string]any{"WorkflowName": "chain-wf", "Script": script})
	runID := startBlueprintRun(t, b, "shapes", params)
	first := getBlueprintRun(t, b, "shapes", runID)
	require.Contains(t, []types.BlueprintRunState{types.BlueprintRunStateRunning, types.BlueprintRunStateSucceeded}, first.State)
	require.NotNil(t, first.StartedOn)
	run := waitBlueprintRun(t, b, "shapes", runID, types.BlueprintRunStateSucceeded)
	require.Equal(t, "shapes", aws.ToString(run.BlueprintName))
	require.Equal(t, runID, aws.ToString(run.RunId))
	require.Equal(t, "chain-wf", aws.ToString(run.WorkflowName))
	require.Equal(t, params, aws.ToString(run.Parameters), "Parameters are kept verbatim")
	require.Equal(t, bpRole, aws.ToString(run.RoleArn))
	require.Empty(t, aws.ToString(run.ErrorMessage))
	require.Empty(t, aws.ToString(run.RollbackErrorMessage))
	requireNotBefore(t, run.CompletedOn, run.StartedOn, "run CompletedOn")

	wf := requireBlueprintDetails(t, b, "chain-wf", "shapes", runID)
	require.Equal(t, "shape chain", aws.ToString(wf.Description))
	require.Equal(t, map[string]string{"shape": "chain"}, wf.DefaultRunProperties)

	s := bpSuffix(t, b, "extract")
	extract, transform, load := "extract_"+s, "transform_"+s, "load_"+s
	require.Equal(t, bpSortedNames([]string{extract, transform, load}), bpJobNames(t, b))
	j, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String(extract)})
	require.NoError(t, err)
	require.Equal(t, "arn:aws:iam::123456789012:role/glue", aws.ToString(j.Job.Role))
	require.Equal(t, "pythonshell", aws.ToString(j.Job.Command.Name))
	require.Equal(t, script, aws.ToString(j.Job.Command.ScriptLocation))
	require.Equal(t, map[string]string{"--n": "1", "--ratio": "0.5", "--flag": "true", "--s": "x"}, j.Job.DefaultArguments)

	tTransform, tLoad, tStart := "chain-wf_"+transform+"_trigger", "chain-wf_"+load+"_trigger", "chain-wf_starting_trigger"
	require.Equal(t, bpSortedNames([]string{tTransform, tLoad, tStart}), bpTriggerNames(t, b))
	requireCondTrigger(t, b, tTransform, "chain-wf", jobAction(transform), types.LogicalAnd, jobCond(extract, types.JobRunStateSucceeded))
	requireCondTrigger(t, b, tLoad, "chain-wf", jobAction(load), types.LogicalAnd, jobCond(transform, types.JobRunStateSucceeded))
	start := bpTrigger(t, b, tStart)
	require.Equal(t, types.TriggerTypeOnDemand, start.Type)
	require.Equal(t, types.TriggerStateCreated, start.State)
	require.Equal(t, "chain-wf", aws.ToString(start.WorkflowName))
	require.Equal(t, []types.Action{jobAction(extract)}, bpActions(start.Actions))
	require.Len(t, getGraph(t, b, "chain-wf").Nodes, 6)

	wr := startRun(t, b, "chain-wf", nil)
	done := waitRunStatus(t, b, "chain-wf", wr, types.WorkflowRunStatusCompleted, bpWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 3, SucceededActions: 3}, done)
	re, rt, rl := onlyJobRun(t, done, extract), onlyJobRun(t, done, transform), onlyJobRun(t, done, load)
	require.Equal(t, tTransform, aws.ToString(rt.TriggerName))
	require.Equal(t, tLoad, aws.ToString(rl.TriggerName))
	requireNotBefore(t, rt.StartedOn, re.CompletedOn, "transform after extract")
	requireNotBefore(t, rl.StartedOn, rt.CompletedOn, "load after transform")

	// A second run: another suffix, and OnSchedule gives an activated
	// SCHEDULED start trigger.
	sched := "cron(0 12 1 1 ? *)"
	second := runBlueprint(t, b, "shapes", map[string]any{"WorkflowName": "chain-sched", "Script": script, "Schedule": sched},
		types.BlueprintRunStateSucceeded)
	requireBlueprintDetails(t, b, "chain-sched", "shapes", aws.ToString(second.RunId))
	require.Len(t, bpJobNames(t, b), 6)
	st := bpTrigger(t, b, "chain-sched_starting_trigger")
	require.Equal(t, types.TriggerTypeScheduled, st.Type)
	require.Equal(t, types.TriggerStateActivated, st.State)
	require.Equal(t, sched, aws.ToString(st.Schedule))
	require.Len(t, st.Actions, 1)
	require.NotEqual(t, extract, aws.ToString(st.Actions[0].JobName), "each run has its own suffix")
	require.Regexp(t, `^extract_[a-z0-9]+$`, aws.ToString(st.Actions[0].JobName))
	requireBlueprintDetails(t, b, "chain-wf", "shapes", runID)
}

// Ensure a fan-out/fan-in layout with crawlers gets exactly the triggers of
// blueprints.md §2.5 (conditions on crawls and on jobs, AND, ANY, AND by
// default, a crawler started by a conditional trigger, a start trigger for
// the root crawler) and that the workflow runs to COMPLETED: every job and
// crawl once, d after both branches.
func TestBlueprintRun_FanOutFanInCrawlers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	registerBlueprint(t, b, "shapes", shapesArchive(t))
	script := pyScript(t, t.TempDir(), "ok", "print('ok')\n")
	data := crawlTree(t, "in/part-0.csv", "in/part-1.csv")

	run := runBlueprint(t, b, "shapes", map[string]any{"WorkflowName": "fan-wf", "Shape": "fan", "Script": script, "Data": data},
		types.BlueprintRunStateSucceeded)
	requireBlueprintDetails(t, b, "fan-wf", "shapes", aws.ToString(run.RunId))
	s := bpSuffix(t, b, "a")
	n := func(base string) string { return base + "_" + s }
	tr := func(base string) string { return "fan-wf_" + n(base) + "_trigger" }
	require.Equal(t, bpSortedNames([]string{n("a"), n("b"), n("c"), n("d"), n("e"), n("f")}), bpJobNames(t, b))
	require.Equal(t, bpSortedNames([]string{n("raw"), n("curated")}), bpCrawlerNames(t, b))
	require.Equal(t, bpSortedNames([]string{tr("curated"), tr("a"), tr("b"), tr("c"), tr("d"), tr("e"), tr("f"), "fan-wf_starting_trigger"}),
		bpTriggerNames(t, b))

	ok := types.JobRunStateSucceeded
	requireCondTrigger(t, b, tr("a"), "fan-wf", jobAction(n("a")), types.LogicalAnd, crawlCond(n("raw"), types.CrawlStateSucceeded))
	requireCondTrigger(t, b, tr("b"), "fan-wf", jobAction(n("b")), types.LogicalAnd, jobCond(n("a"), ok))
	requireCondTrigger(t, b, tr("c"), "fan-wf", jobAction(n("c")), types.LogicalAnd, jobCond(n("a"), ok))
	requireCondTrigger(t, b, tr("d"), "fan-wf", jobAction(n("d")), types.LogicalAnd, jobCond(n("b"), ok), jobCond(n("c"), ok))
	requireCondTrigger(t, b, tr("e"), "fan-wf", jobAction(n("e")), types.LogicalAny, jobCond(n("b"), ok), jobCond(n("c"), ok))
	requireCondTrigger(t, b, tr("f"), "fan-wf", jobAction(n("f")), types.LogicalAnd, jobCond(n("b"), ok), jobCond(n("c"), ok))
	requireCondTrigger(t, b, tr("curated"), "fan-wf", bpCrawlerAction(n("curated")), types.LogicalAnd, jobCond(n("d"), ok))
	start := bpTrigger(t, b, "fan-wf_starting_trigger")
	require.Equal(t, types.TriggerTypeOnDemand, start.Type)
	require.Equal(t, []types.Action{bpCrawlerAction(n("raw"))}, bpActions(start.Actions))
	c := getCrawler(t, b, n("raw"))
	require.Equal(t, data, aws.ToString(c.Targets.S3Targets[0].Path))
	require.Equal(t, "arn:aws:iam::123456789012:role/glue", aws.ToString(c.Role))
	require.Len(t, getGraph(t, b, "fan-wf").Nodes, 6+2+8)

	wr := startRun(t, b, "fan-wf", nil)
	done := waitRunStatus(t, b, "fan-wf", wr, types.WorkflowRunStatusCompleted, bpWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 8, SucceededActions: 8}, done)
	rb, rc, rd := onlyJobRun(t, done, n("b")), onlyJobRun(t, done, n("c")), onlyJobRun(t, done, n("d"))
	requireNotBefore(t, rd.StartedOn, rb.CompletedOn, "d after b")
	requireNotBefore(t, rd.StartedOn, rc.CompletedOn, "d after c")
	for _, j := range []string{"a", "b", "c", "d", "e", "f"} {
		require.Equal(t, tr(j), aws.ToString(onlyJobRun(t, done, n(j)).TriggerName), "job %s", j)
	}
	for _, cr := range []string{"raw", "curated"} {
		node := graphNode(t, done.Graph, types.NodeTypeCrawler, n(cr))
		require.NotNil(t, node.CrawlerDetails, "crawler %s", cr)
		require.Len(t, node.CrawlerDetails.Crawls, 1, "crawler %s crawled once", cr)
		require.Equal(t, types.CrawlStateSucceeded, node.CrawlerDetails.Crawls[0].State)
	}
	curated := graphNode(t, done.Graph, types.NodeTypeCrawler, n("curated")).CrawlerDetails.Crawls[0]
	requireNotBefore(t, curated.StartedOn, rd.CompletedOn, "curated crawl after d")
}
