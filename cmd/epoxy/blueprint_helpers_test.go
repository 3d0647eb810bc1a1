package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// Helpers shared by the blueprint_*_test.go files: archives built in the
// tests, registration and runs driven through the SDK and polled with a
// deadline, never with fixed sleeps.

const (
	// bpRole is the RoleArn of every blueprint run.
	bpRole = "arn:aws:iam::123456789012:role/blueprints"
	// bpWait bounds every wait in the blueprint tests (a registration, a
	// blueprint run, the workflow runs it created, moto starting).
	bpWait = runWait
	// bpPrelude is how every layout generator imports the library.
	bpPrelude = "from awsglue.blueprint.workflow import *\nfrom awsglue.blueprint.job import *\nfrom awsglue.blueprint.crawler import *\n"
)

// writeArchive writes data into a new temporary directory and returns the
// file's absolute path.
func writeArchive(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "blueprint.zip")
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// createBlueprint calls CreateBlueprint and checks its answer.
func createBlueprint(t *testing.T, b *testBundle, name, location string) {
	t.Helper()
	out, err := b.client.CreateBlueprint(context.Background(), &glue.CreateBlueprintInput{Name: aws.String(name),
		BlueprintLocation: aws.String(location)})
	require.NoError(t, err)
	require.Equal(t, name, aws.ToString(out.Name))
}

// getBlueprint returns a blueprint.
func getBlueprint(t *testing.T, b *testBundle, name string, includeBlueprint, includeSpec bool) *types.Blueprint {
	t.Helper()
	out, err := b.client.GetBlueprint(context.Background(), &glue.GetBlueprintInput{Name: aws.String(name),
		IncludeBlueprint: aws.Bool(includeBlueprint), IncludeParameterSpec: aws.Bool(includeSpec)})
	require.NoError(t, err)
	require.NotNil(t, out.Blueprint)
	require.Equal(t, name, aws.ToString(out.Blueprint.Name))
	return out.Blueprint
}

// waitBlueprintStatus polls GetBlueprint (with everything included) until
// the blueprint has the status. It fails at once when the registration ends
// with the other outcome (ACTIVE instead of FAILED or the reverse).
func waitBlueprintStatus(t *testing.T, b *testBundle, name string, want types.BlueprintStatus) *types.Blueprint {
	t.Helper()
	var bp *types.Blueprint
	gluetest.Eventually(t, bpWait, func() bool {
		bp = getBlueprint(t, b, name, true, true)
		settled := bp.Status == types.BlueprintStatusActive || bp.Status == types.BlueprintStatusFailed
		if bp.Status != want && settled {
			require.FailNowf(t, "blueprint did not reach the expected status", "blueprint %s: want %s, got %s (ErrorMessage %q)",
				name, want, bp.Status, aws.ToString(bp.ErrorMessage))
		}
		return bp.Status == want
	}, "blueprint %s becomes %s; last seen %s", name, want, gluetest.Lazy(func() string { return string(bp.Status) }))
	return bp
}

// registerBlueprint writes archive to a file, creates the blueprint from
// its absolute path, waits until it is ACTIVE and returns the path.
func registerBlueprint(t *testing.T, b *testBundle, name string, archive []byte) string {
	t.Helper()
	p := writeArchive(t, archive)
	createBlueprint(t, b, name, p)
	waitBlueprintStatus(t, b, name, types.BlueprintStatusActive)
	return p
}

// bpParams encodes run parameters as the JSON string StartBlueprintRun takes.
func bpParams(t *testing.T, params map[string]any) string {
	t.Helper()
	s, err := json.Marshal(params)
	require.NoError(t, err)
	return string(s)
}

// startBlueprintRun starts a run with raw Parameters and returns its id.
func startBlueprintRun(t *testing.T, b *testBundle, name, params string) string {
	t.Helper()
	out, err := b.client.StartBlueprintRun(context.Background(), &glue.StartBlueprintRunInput{BlueprintName: aws.String(name),
		Parameters: aws.String(params), RoleArn: aws.String(bpRole)})
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(out.RunId))
	return aws.ToString(out.RunId)
}

// startBlueprintRunErr starts a run that must be refused and returns the
// error.
func startBlueprintRunErr(b *testBundle, name, params string) error {
	_, err := b.client.StartBlueprintRun(context.Background(), &glue.StartBlueprintRunInput{BlueprintName: aws.String(name),
		Parameters: aws.String(params), RoleArn: aws.String(bpRole)})
	return err
}

func getBlueprintRun(t *testing.T, b *testBundle, name, runID string) *types.BlueprintRun {
	t.Helper()
	out, err := b.client.GetBlueprintRun(context.Background(), &glue.GetBlueprintRunInput{BlueprintName: aws.String(name),
		RunId: aws.String(runID)})
	require.NoError(t, err)
	require.NotNil(t, out.BlueprintRun)
	return out.BlueprintRun
}

// waitBlueprintRun polls GetBlueprintRun until the run is in state. It fails
// at once when the run ends in the other final state.
func waitBlueprintRun(t *testing.T, b *testBundle, name, runID string, want types.BlueprintRunState) *types.BlueprintRun {
	t.Helper()
	var r *types.BlueprintRun
	gluetest.Eventually(t, bpWait, func() bool {
		r = getBlueprintRun(t, b, name, runID)
		final := r.State == types.BlueprintRunStateSucceeded || r.State == types.BlueprintRunStateFailed
		if r.State != want && final {
			require.FailNowf(t, "blueprint run did not reach the expected state", "blueprint %s run %s: want %s, got %s (ErrorMessage %q, RollbackErrorMessage %q)",
				name, runID, want, r.State, aws.ToString(r.ErrorMessage), aws.ToString(r.RollbackErrorMessage))
		}
		return r.State == want
	}, "blueprint %s run %s reaches %s; last seen %s", name, runID, want, gluetest.Lazy(func() string { return string(r.State) }))
	return r
}

// runBlueprint starts a run and waits until it is in state.
func runBlueprint(t *testing.T, b *testBundle, name string, params map[string]any, want types.BlueprintRunState) *types.BlueprintRun {
	t.Helper()
	id := startBlueprintRun(t, b, name, bpParams(t, params))
	return waitBlueprintRun(t, b, name, id, want)
}

// bpWorkflow returns a workflow without its graph.
func bpWorkflow(t *testing.T, b *testBundle, name string) *types.Workflow {
	t.Helper()
	out, err := b.client.GetWorkflow(context.Background(), &glue.GetWorkflowInput{Name: aws.String(name)})
	require.NoError(t, err)
	return out.Workflow
}

// requireBlueprintDetails asserts that a workflow was created by the run.
func requireBlueprintDetails(t *testing.T, b *testBundle, workflow, blueprint, runID string) *types.Workflow {
	t.Helper()
	wf := bpWorkflow(t, b, workflow)
	require.NotNil(t, wf.BlueprintDetails, "workflow %s has BlueprintDetails", workflow)
	require.Equal(t, blueprint, aws.ToString(wf.BlueprintDetails.BlueprintName))
	require.Equal(t, runID, aws.ToString(wf.BlueprintDetails.RunId))
	return wf
}

// bpJobNames, bpCrawlerNames, bpTriggerNames and bpWorkflowNames list
// every entity of a kind, sorted, walking the pages.
func bpJobNames(t *testing.T, b *testBundle) []string {
	t.Helper()
	var out []string
	p := glue.NewListJobsPaginator(b.client, &glue.ListJobsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		out = append(out, page.JobNames...)
	}
	return bpSortedNames(out)
}

func bpCrawlerNames(t *testing.T, b *testBundle) []string {
	t.Helper()
	var out []string
	p := glue.NewListCrawlersPaginator(b.client, &glue.ListCrawlersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		out = append(out, page.CrawlerNames...)
	}
	return bpSortedNames(out)
}

func bpTriggerNames(t *testing.T, b *testBundle) []string {
	t.Helper()
	var out []string
	p := glue.NewListTriggersPaginator(b.client, &glue.ListTriggersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		out = append(out, page.TriggerNames...)
	}
	return bpSortedNames(out)
}

func bpWorkflowNames(t *testing.T, b *testBundle) []string {
	t.Helper()
	var out []string
	p := glue.NewListWorkflowsPaginator(b.client, &glue.ListWorkflowsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		out = append(out, page.Workflows...)
	}
	return bpSortedNames(out)
}

// bpSortedNames returns names sorted, never nil.
func bpSortedNames(names []string) []string {
	out := append([]string{}, names...)
	slices.Sort(out)
	return out
}

// bpSuffix returns the name suffix a run gave its entities, found from
// the job named <base>_<suffix>, which must be the only such job.
func bpSuffix(t *testing.T, b *testBundle, base string) string {
	t.Helper()
	var found []string
	for _, n := range bpJobNames(t, b) {
		if s, ok := strings.CutPrefix(n, base+"_"); ok {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "exactly one job named %s_<suffix>", base)
	require.Regexp(t, `^[a-z0-9]+$`, found[0], "run suffix")
	return found[0]
}

// bpTrigger returns a trigger.
func bpTrigger(t *testing.T, b *testBundle, name string) *types.Trigger {
	t.Helper()
	out, err := b.client.GetTrigger(context.Background(), &glue.GetTriggerInput{Name: aws.String(name)})
	require.NoError(t, err, "trigger %s", name)
	return out.Trigger
}

// requireCondTrigger asserts the shape of a CONDITIONAL trigger that a
// blueprint run created: activated, in the workflow, one action, and the
// given predicate (conditions in order).
func requireCondTrigger(t *testing.T, b *testBundle, name, workflow string, action types.Action, logical types.Logical, conds ...types.Condition) {
	t.Helper()
	tr := bpTrigger(t, b, name)
	require.Equal(t, types.TriggerTypeConditional, tr.Type, "trigger %s", name)
	require.Equal(t, types.TriggerStateActivated, tr.State, "trigger %s starts activated (StartOnCreation)", name)
	require.Equal(t, workflow, aws.ToString(tr.WorkflowName), "trigger %s", name)
	require.Equal(t, []types.Action{action}, bpActions(tr.Actions), "trigger %s actions", name)
	require.NotNil(t, tr.Predicate, "trigger %s predicate", name)
	require.Equal(t, logical, tr.Predicate.Logical, "trigger %s Logical", name)
	require.Equal(t, conds, tr.Predicate.Conditions, "trigger %s conditions", name)
}

// bpActions keeps only the job and crawler names of actions, so they
// compare with expectations whatever defaults the service fills in.
func bpActions(actions []types.Action) []types.Action {
	out := make([]types.Action, len(actions))
	for i, a := range actions {
		out[i] = types.Action{JobName: a.JobName, CrawlerName: a.CrawlerName}
	}
	return out
}

func bpCrawlerAction(name string) types.Action { return types.Action{CrawlerName: aws.String(name)} }

// bpRequireNotExist asserts that nothing exists at each path.
func bpRequireNotExist(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		_, err := os.Lstat(p)
		require.ErrorIs(t, err, fs.ErrNotExist, "%s must not exist", p)
	}
}

// bpJSONKeys returns the keys of a JSON object in document order.
func bpJSONKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok, "a JSON object")
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}
