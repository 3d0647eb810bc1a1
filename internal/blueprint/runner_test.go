package blueprint_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// genBundle is an inspected, extracted blueprint and a Runner for it,
// whose time limit passes only when the test expires timers.
type genBundle struct {
	runner *blueprint.Runner
	timers *manualTimers
	def    *blueprint.Definition
	root   string
}

// system are the system params every test generator receives.
var system = blueprint.SystemParams{Region: "eu-west-1", AccountID: "123456789012"}

// setupGen builds a blueprint archive with folder "bp" holding cfg and
// layout.py (plus extra files), inspects and extracts it, and installs the
// shim for a Runner.
func setupGen(t *testing.T, cfg, layout string, extra map[string]string) *genBundle {
	t.Helper()
	requirePython(t)
	files := map[string]string{"layout.py": layout}
	for k, v := range extra {
		files[k] = v
	}
	archive := gluetest.BlueprintZip(t, "bp", cfg, files)
	d, err := blueprint.Inspect(archive)
	require.NoError(t, err)
	root := t.TempDir()
	require.NoError(t, blueprint.Extract(archive, root))
	shim := t.TempDir()
	require.NoError(t, blueprint.InstallShim(shim))
	timers := &manualTimers{}
	return &genBundle{runner: &blueprint.Runner{ShimDir: shim, Timers: timers}, timers: timers, def: d, root: root}
}

func (b *genBundle) generate(t *testing.T, params string) (*blueprint.Layout, error) {
	t.Helper()
	user, err := b.def.ResolveParameters(params)
	require.NoError(t, err)
	return b.runner.Generate(context.Background(), b.root, b.def, user, system, "s1")
}

const wfCfg = `{"layoutGenerator": "bp.layout.generate_layout",
  "parameterSpec": {"WorkflowName": {"type": "String"}}}`

// pyPrelude is the top of every test generator.
const pyPrelude = `
from awsglue.blueprint.workflow import *
from awsglue.blueprint.job import *
from awsglue.blueprint.crawler import *

def job(name, system_params, **kw):
    role = "arn:aws:iam::%s:role/Glue" % system_params["accountId"]
    return Job(Name=name, Role=role, Command={"Name": "pythonshell", "ScriptLocation": "s3://b/%s.py" % name, "PythonVersion": "3"}, **kw)
`

func triggerNames(l *blueprint.Layout) []string {
	var out []string
	for _, t := range l.Triggers {
		out = append(out, t.Trigger.Name)
	}
	return out
}

func jobNames(l *blueprint.Layout) []string {
	var out []string
	for _, j := range l.Jobs {
		out = append(out, j.Job.Name)
	}
	return out
}

// Ensure a chain a → b → c becomes suffixed jobs, one conditional trigger
// per dependent job (Logical defaulted to AND) and an ON_DEMAND start
// trigger; system params reach the generator.
func TestGenerate_Chain(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, pyPrelude+`
def generate_layout(user_params, system_params):
    a = job("a", system_params)
    b = job("b", system_params, DependsOn={a: "SUCCEEDED"})
    c = job("c", system_params, DependsOn={b: "FAILED"})
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[a, b, c]))
`, nil)
	l, err := b.generate(t, `{"WorkflowName": "wf"}`)
	require.NoError(t, err)

	require.Equal(t, glue.Workflow{Name: "wf"}, l.Workflow, "null Description/DefaultRunProperties are absent")
	require.Nil(t, l.WorkflowTags)
	require.Equal(t, []string{"a_s1", "b_s1", "c_s1"}, jobNames(l))
	require.Equal(t, "arn:aws:iam::123456789012:role/Glue", l.Jobs[0].Job.Role)
	require.Equal(t, glue.JobCommand{Name: "pythonshell", ScriptLocation: "s3://b/a.py", PythonVersion: "3"}, l.Jobs[0].Job.Command)
	require.Equal(t, []string{"wf_b_s1_trigger", "wf_c_s1_trigger", "wf_starting_trigger"}, triggerNames(l))

	require.Equal(t, blueprint.TriggerSpec{StartOnCreation: true, Trigger: glue.Trigger{
		Name: "wf_b_s1_trigger", WorkflowName: "wf", Type: glue.TriggerConditional,
		Actions: []glue.Action{{JobName: "b_s1"}},
		Predicate: &glue.Predicate{Logical: glue.LogicalAnd, Conditions: []glue.Condition{
			{LogicalOperator: "EQUALS", JobName: "a_s1", State: "SUCCEEDED"}}},
	}}, l.Triggers[0])
	require.Equal(t, []glue.Condition{{LogicalOperator: "EQUALS", JobName: "b_s1", State: "FAILED"}}, l.Triggers[1].Trigger.Predicate.Conditions)
	require.Equal(t, blueprint.TriggerSpec{Trigger: glue.Trigger{
		Name: "wf_starting_trigger", WorkflowName: "wf", Type: glue.TriggerOnDemand,
		Actions: []glue.Action{{JobName: "a_s1"}},
	}}, l.Triggers[2])
}

// Ensure fan-out/fan-in keeps WaitForDependencies as the predicate's
// Logical (AND and ANY).
func TestGenerate_FanOutFanIn(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, pyPrelude+`
def generate_layout(user_params, system_params):
    a = job("a", system_params)
    b = job("b", system_params, DependsOn={a: "SUCCEEDED"})
    c = job("c", system_params, DependsOn={a: "SUCCEEDED"})
    d = job("d", system_params, DependsOn={b: "SUCCEEDED", c: "SUCCEEDED"}, WaitForDependencies="AND")
    e = job("e", system_params, DependsOn={b: "FAILED", c: "FAILED"}, WaitForDependencies="ANY")
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[a, b, c, d, e]))
`, nil)
	l, err := b.generate(t, `{"WorkflowName": "fan"}`)
	require.NoError(t, err)
	require.Equal(t, []string{"fan_b_s1_trigger", "fan_c_s1_trigger", "fan_d_s1_trigger", "fan_e_s1_trigger", "fan_starting_trigger"}, triggerNames(l))
	d, e := l.Triggers[2].Trigger, l.Triggers[3].Trigger
	require.Equal(t, glue.LogicalAnd, d.Predicate.Logical)
	require.Equal(t, []glue.Condition{
		{LogicalOperator: "EQUALS", JobName: "b_s1", State: "SUCCEEDED"},
		{LogicalOperator: "EQUALS", JobName: "c_s1", State: "SUCCEEDED"},
	}, d.Predicate.Conditions)
	require.Equal(t, glue.LogicalAny, e.Predicate.Logical)
	require.Equal(t, []glue.Action{{JobName: "e_s1"}}, e.Actions)
	require.Equal(t, []glue.Action{{JobName: "a_s1"}}, l.Triggers[4].Trigger.Actions)
}

// Ensure crawlers, with dependencies both ways, become crawler specs (own
// schedule, tags, targets) and crawler conditions and actions.
func TestGenerate_CrawlersWithDependencies(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, pyPrelude+`
def generate_layout(user_params, system_params):
    raw = Crawler(Name="raw", Role="r", DatabaseName="db", Schedule="cron(0 1 * * ? *)", Tags={"team": "data"},
                  Targets={"S3Targets": [{"Path": "s3://b/raw/"}]}, TablePrefix="raw_", Grouping={"x": 1},
                  SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    etl = job("etl", system_params, DependsOn={raw: "SUCCEEDED"})
    curated = Crawler(Name="curated", Role="r", Targets={"S3Targets": [{"Path": "s3://b/curated/", "Exclusions": ["*.tmp"]}]},
                      DependsOn={etl: "SUCCEEDED"})
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[etl], Crawlers=[raw, curated]))
`, nil)
	l, err := b.generate(t, `{"WorkflowName": "cw"}`)
	require.NoError(t, err)

	require.Len(t, l.Crawlers, 2)
	raw := l.Crawlers[0]
	require.Equal(t, "raw_s1", raw.Crawler.Name)
	require.Equal(t, "cron(0 1 * * ? *)", raw.Schedule)
	require.Equal(t, map[string]string{"team": "data"}, raw.Tags)
	require.Equal(t, "db", raw.Crawler.DatabaseName)
	require.Equal(t, "raw_", *raw.Crawler.TablePrefix)
	require.Equal(t, []glue.S3Target{{Path: "s3://b/raw/"}}, raw.Crawler.Targets.S3Targets)
	require.JSONEq(t, `{"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}`, string(raw.Crawler.SchemaChangePolicy))
	require.Equal(t, []glue.S3Target{{Path: "s3://b/curated/", Exclusions: []string{"*.tmp"}}}, l.Crawlers[1].Crawler.Targets.S3Targets)

	require.Equal(t, []string{"cw_curated_s1_trigger", "cw_etl_s1_trigger", "cw_starting_trigger"}, triggerNames(l))
	curated, etl, start := l.Triggers[0].Trigger, l.Triggers[1].Trigger, l.Triggers[2].Trigger
	require.Equal(t, []glue.Action{{CrawlerName: "curated_s1"}}, curated.Actions)
	require.Equal(t, []glue.Condition{{LogicalOperator: "EQUALS", JobName: "etl_s1", State: "SUCCEEDED"}}, curated.Predicate.Conditions)
	require.Equal(t, []glue.Condition{{LogicalOperator: "EQUALS", CrawlerName: "raw_s1", CrawlState: "SUCCEEDED"}}, etl.Predicate.Conditions)
	require.Equal(t, []glue.Action{{CrawlerName: "raw_s1"}}, start.Actions)
}

// Ensure OnSchedule makes the start trigger SCHEDULED and activated, and
// the workflow keeps its description, run properties and tags.
func TestGenerate_OnSchedule(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, pyPrelude+`
def generate_layout(user_params, system_params):
    return Workflow(Name=user_params["WorkflowName"], Description="nightly", OnSchedule="cron(0 12 * * ? *)",
                    DefaultRunProperties={"day": 1, "mode": "full"}, Tags={"env": "test"},
                    Entities=Entities(Jobs=[job("a", system_params)]))
`, nil)
	l, err := b.generate(t, `{"WorkflowName": "sched"}`)
	require.NoError(t, err)
	desc := "nightly"
	require.Equal(t, glue.Workflow{Name: "sched", Description: &desc, DefaultRunProperties: map[string]string{"day": "1", "mode": "full"}}, l.Workflow)
	require.Equal(t, map[string]string{"env": "test"}, l.WorkflowTags)
	require.Equal(t, []blueprint.TriggerSpec{{StartOnCreation: true, Trigger: glue.Trigger{
		Name: "sched_starting_trigger", WorkflowName: "sched", Type: glue.TriggerScheduled,
		Schedule: "cron(0 12 * * ? *)", Actions: []glue.Action{{JobName: "a_s1"}},
	}}}, l.Triggers)
}

const typesCfg = `{"layoutGenerator": "bp.layout.generate_layout", "parameterSpec": {
  "WorkflowName": {"type": "String"},
  "Count":    {"type": "Integer"},
  "Ratio":    {"type": "Double", "defaultValue": 128},
  "Half":     {"type": "Double"},
  "Flag":     {"type": "Boolean"},
  "Input":    {"type": "S3Uri"},
  "Bucket":   {"type": "S3Bucket"},
  "RoleArn":  {"type": "IAMRoleArn"},
  "RoleName": {"type": "IAMRoleName", "defaultValue": "GlueRole"},
  "Paths":    {"type": "S3Uri", "collection": true},
  "Sizes":    {"type": "Integer", "collection": true, "defaultValue": [1, 2]},
  "Weights":  {"type": "Double", "collection": true},
  "Flags":    {"type": "Boolean", "collection": true},
  "Keys":     {"type": "String", "collection": true, "defaultValue": [""]}
}}`

// Ensure every parameter type and collection reaches the generator as the
// Python type the library needs (the generator asserts them), and that
// non-string argument values come back stringified JSON-style.
func TestGenerate_ParameterTypes(t *testing.T) {
	t.Parallel()
	b := setupGen(t, typesCfg, pyPrelude+`
def check(cond, what):
    if not cond:
        raise TypeError(what)

def generate_layout(u, s):
    check(type(u["Count"]) is int and u["Count"] == 7, "Count %r" % (u["Count"],))
    check(type(u["Ratio"]) is float and u["Ratio"] == 128.0, "Ratio %r" % (u["Ratio"],))
    check(type(u["Half"]) is float and u["Half"] == 0.5, "Half %r" % (u["Half"],))
    check(u["Flag"] is True, "Flag %r" % (u["Flag"],))
    for k in ("WorkflowName", "Input", "Bucket", "RoleArn", "RoleName"):
        check(type(u[k]) is str, "%s %r" % (k, u[k]))
    check(u["Paths"] == ["s3://a/x", "s3://b/y"], "Paths %r" % (u["Paths"],))
    check(all(type(x) is int for x in u["Sizes"]) and u["Sizes"] == [1, 2], "Sizes %r" % (u["Sizes"],))
    check(all(type(x) is float for x in u["Weights"]) and u["Weights"] == [1.0, 2.5], "Weights %r" % (u["Weights"],))
    check(u["Flags"] == [True, False] and all(type(x) is bool for x in u["Flags"]), "Flags %r" % (u["Flags"],))
    check(u["Keys"] == [""], "Keys %r" % (u["Keys"],))
    check(s == {"region": "eu-west-1", "accountId": "123456789012"}, "system %r" % (s,))
    j = job("typed", s, NumberOfWorkers=u["Count"], WorkerType="G.1X", MaxRetries=0,
            DefaultArguments={"--ratio": u["Ratio"], "--half": u["Half"], "--flag": u["Flag"], "--count": u["Count"],
                              "--input": u["Input"], "--none": None})
    return Workflow(Name=u["WorkflowName"], Entities=Entities(Jobs=[j]))
`, nil)
	l, err := b.generate(t, `{"WorkflowName": "types", "Count": "7", "Half": 0.5, "Flag": "true",
		"Input": "s3://in/", "Bucket": "bkt", "RoleArn": "arn:aws:iam::123456789012:role/R",
		"Paths": ["s3://a/x", "s3://b/y"], "Weights": [1, 2.5], "Flags": [true, "false"]}`)
	require.NoError(t, err)
	j := l.Jobs[0].Job
	require.Equal(t, map[string]string{"--ratio": "128.0", "--half": "0.5", "--flag": "true", "--count": "7",
		"--input": "s3://in/"}, j.DefaultArguments)
	require.Equal(t, int32(7), *j.NumberOfWorkers)
	require.Equal(t, "G.1X", j.WorkerType)
	require.Equal(t, int32(0), j.MaxRetries)
}

// Ensure a generator's exception becomes the error message, with the
// traceback kept.
func TestGenerate_Raises(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, pyPrelude+`
def generate_layout(user_params, system_params):
    print("validating")
    raise ValueError("InputDataLocation is same as OutputDataLocation.")
`, nil)
	_, err := b.generate(t, `{"WorkflowName": "wf"}`)
	var ge *blueprint.GenerateError
	require.ErrorAs(t, err, &ge)
	require.Equal(t, "layout generator bp.layout.generate_layout failed: ValueError: InputDataLocation is same as OutputDataLocation.", err.Error())
	require.Contains(t, ge.Traceback, "bp/layout.py")
	require.Equal(t, "validating\n", ge.Stdout)
	require.False(t, ge.TimedOut)

	// A layout the shim refuses is reported the same way.
	b = setupGen(t, wfCfg, pyPrelude+`
def generate_layout(user_params, system_params):
    return Workflow(Name="wf", Entities=Entities(Jobs=[job("a", system_params, WorkerType="G.8X")]))
`, nil)
	_, err = b.generate(t, `{"WorkflowName": "wf"}`)
	require.ErrorContains(t, err, "failed: TypeError: Job.WorkerType must be one of [G.1X, G.2X, Standard], got 'G.8X'")
}

const noisyLayout = pyPrelude + `
import sys

def generate_layout(user_params, system_params):
    line = "x" * 1023 + "\n"
    for _ in range(4096):  # 4 MB on each stream
        sys.stdout.write(line)
        sys.stderr.write(line)
    print("last stdout line")
    print("last stderr line", file=sys.stderr)
    if user_params["WorkflowName"] == "fail":
        raise RuntimeError("after printing")
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[job("a", system_params)]))
`

// Ensure a generator printing megabytes still works and only the tail of
// its output is kept.
func TestGenerate_PrintsALot(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, noisyLayout, nil)
	l, err := b.generate(t, `{"WorkflowName": "noisy"}`)
	require.NoError(t, err)
	require.Equal(t, []string{"a_s1"}, jobNames(l))

	_, err = b.generate(t, `{"WorkflowName": "fail"}`)
	var ge *blueprint.GenerateError
	require.ErrorAs(t, err, &ge)
	require.Contains(t, ge.Message, "RuntimeError: after printing")
	require.LessOrEqual(t, len(ge.Stdout), blueprint.OutputTail)
	require.Greater(t, len(ge.Stdout), blueprint.OutputTail/2)
	require.True(t, strings.HasSuffix(ge.Stdout, "xxx\nlast stdout line\n"))
	require.LessOrEqual(t, len(ge.Stderr), blueprint.OutputTail)
	require.True(t, strings.HasSuffix(ge.Stderr, "last stderr line\n"))
}

const sleeperLayout = `
import os, subprocess, sys, time

def generate_layout(user_params, system_params):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    with open("pids.tmp", "w") as f:
        f.write("%d %d" % (os.getpid(), child.pid))
    os.rename("pids.tmp", "pids")
    time.sleep(120)
`

// readPids waits for the sleeper generator's pid file in root.
func readPids(t *testing.T, root string) []int {
	t.Helper()
	var pids []int
	gluetest.Eventually(t, waitLimit, func() bool {
		b, err := os.ReadFile(filepath.Join(root, "pids"))
		if err != nil {
			return false
		}
		pids = nil
		for _, f := range strings.Fields(string(b)) {
			n, err := strconv.Atoi(f)
			require.NoError(t, err)
			pids = append(pids, n)
		}
		return true
	}, "the generator wrote its pids in %s", root)
	return pids
}

func requireGone(t *testing.T, pids []int) {
	t.Helper()
	require.Len(t, pids, 2)
	for _, pid := range pids {
		gluetest.Eventually(t, waitLimit, func() bool { return gluetest.ProcessGone(pid) }, "process %d survived", pid)
	}
}

// Ensure a generator running past the time limit is killed with its whole
// process group, and the error says so. The limit passes once the generator
// is running (it wrote its pids), however long python took to start.
func TestGenerate_Timeout(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, sleeperLayout, nil)
	b.runner.Timeout = 2 * time.Second
	user, err := b.def.ResolveParameters(`{"WorkflowName": "slow"}`)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := b.runner.Generate(context.Background(), b.root, b.def, user, system, "s1")
		done <- err
	}()
	pids := readPids(t, b.root)
	gluetest.Eventually(t, waitLimit, func() bool { return b.timers.pending() == 1 }, "the generator's time limit started")
	require.Equal(t, []time.Duration{2 * time.Second}, b.timers.expire(), "one limit, of Runner.Timeout")
	within(t, "Generate after its time limit", func() { err = <-done })
	var ge *blueprint.GenerateError
	require.ErrorAs(t, err, &ge)
	require.True(t, ge.TimedOut)
	require.Equal(t, "layout generator bp.layout.generate_layout exceeded the time limit of 2s and was killed", err.Error())
	requireGone(t, pids)
}

// Ensure the time limit defaults to DefaultTimeout and is stopped once the
// generator ended.
func TestGenerate_DefaultTimeLimitStopped(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, pyPrelude+`
def generate_layout(user_params, system_params):
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[]))
`, nil)
	_, err := b.generate(t, `{"WorkflowName": "quick"}`)
	require.NoError(t, err)
	require.Zero(t, b.timers.pending(), "the limit is stopped")
	require.Len(t, b.timers.limits, 1)
	require.Equal(t, blueprint.DefaultTimeout, b.timers.limits[0].d)
}

// Ensure cancelling the context kills the generator's process group and
// returns the context's error.
func TestGenerate_Cancelled(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, sleeperLayout, nil)
	user, err := b.def.ResolveParameters(`{"WorkflowName": "slow"}`)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := b.runner.Generate(ctx, b.root, b.def, user, system, "s1")
		done <- err
	}()
	pids := readPids(t, b.root)
	cancel()
	within(t, "Generate after cancel", func() { err = <-done })
	require.ErrorIs(t, err, context.Canceled)
	var ge *blueprint.GenerateError
	require.False(t, errors.As(err, &ge))
	requireGone(t, pids)
}

// Ensure failures outside the generator are reported: an interpreter that
// cannot start, and a runner that dies without a result.
func TestGenerate_NoResult(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, pyPrelude, nil)
	user := map[string]any{"WorkflowName": "wf"}

	r := *b.runner
	r.Python = filepath.Join(t.TempDir(), "no-such-python")
	_, err := r.Generate(context.Background(), b.root, b.def, user, system, "s1")
	require.ErrorContains(t, err, "layout generator: start")

	r = *b.runner
	r.ShimDir = t.TempDir() // no runner script there
	_, err = r.Generate(context.Background(), b.root, b.def, user, system, "s1")
	var ge *blueprint.GenerateError
	require.ErrorAs(t, err, &ge)
	require.Contains(t, err.Error(), "layout generator bp.layout.generate_layout ended without a result (exit status 2): ")
	require.Contains(t, err.Error(), "epoxy_layout_runner.py")

	_, err = (&blueprint.Runner{}).Generate(context.Background(), b.root, b.def, user, system, "s1")
	require.ErrorContains(t, err, "ShimDir is not set")
}

// Ensure Runner.Env reaches the generator and PYTHONPATH keeps the shim
// first, followed by an operator's PYTHONPATH.
func TestGenerate_Environment(t *testing.T) {
	t.Parallel()
	extraLib := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(extraLib, "helperlib.py"), []byte("VALUE = 'from-extra'\n"), 0o644))
	b := setupGen(t, wfCfg, pyPrelude+`
import os, helperlib

def generate_layout(user_params, system_params):
    return Workflow(Name=user_params["WorkflowName"], DefaultRunProperties={
        "endpoint": os.environ["AWS_ENDPOINT_URL_GLUE"], "lib": helperlib.VALUE, "cwd": os.getcwd()},
        Entities=Entities(Jobs=[]))
`, nil)
	b.runner.Env = []string{"AWS_ENDPOINT_URL_GLUE=http://127.0.0.1:1234", "PYTHONPATH=" + extraLib}
	l, err := b.generate(t, `{"WorkflowName": "env"}`)
	require.NoError(t, err)
	root, err := filepath.EvalSymlinks(b.root)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"endpoint": "http://127.0.0.1:1234", "lib": "from-extra", "cwd": root}, l.Workflow.DefaultRunProperties)
	require.Equal(t, []blueprint.TriggerSpec{{Trigger: glue.Trigger{Name: "env_starting_trigger", WorkflowName: "env",
		Type: glue.TriggerOnDemand, Actions: []glue.Action{}}}}, l.Triggers)
}

// Ensure a generator that leaves behind a background process, which never
// ends on its own and holds the output pipes, still returns, and the process
// is killed with the group.
func TestGenerate_LeftoverChildKilled(t *testing.T) {
	t.Parallel()
	b := setupGen(t, wfCfg, pyPrelude+`
import os, subprocess, sys

def generate_layout(user_params, system_params):
    child = subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])
    with open("pids", "w") as f:
        f.write("%d %d" % (os.getpid(), child.pid))
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[job("a", system_params)]))
`, nil)
	user, err := b.def.ResolveParameters(`{"WorkflowName": "daemon"}`)
	require.NoError(t, err)
	within(t, "Generate with a leftover child", func() {
		_, err = b.runner.Generate(context.Background(), b.root, b.def, user, system, "s1")
	})
	require.NoError(t, err)
	requireGone(t, readPids(t, b.root))
}
