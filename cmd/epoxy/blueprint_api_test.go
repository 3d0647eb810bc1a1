package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// lcCfg declares parameters in an order and with keys that GetBlueprint
// must re-serialise as Glue does.
const lcCfg = `{
  "layoutGenerator": "lc.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String", "description": "workflow to create"},
    "Workers": {"defaultValue": 2, "type": "Integer"},
    "Paths": {"allowedValues": ["s3://b/a/", "s3://b/c/"], "collection": true, "type": "S3Uri", "defaultValue": ["s3://b/a/"]}
  }
}`

// lcSpec is lcCfg's parameterSpec as GetBlueprint shows it: every key of
// every parameter, null where absent, collection false by default.
const lcSpec = `{
  "WorkflowName": {"type": "String", "collection": false, "description": "workflow to create", "defaultValue": null, "allowedValues": null},
  "Workers": {"type": "Integer", "collection": false, "description": null, "defaultValue": 2, "allowedValues": null},
  "Paths": {"type": "S3Uri", "collection": true, "description": null, "defaultValue": ["s3://b/a/"], "allowedValues": ["s3://b/a/", "s3://b/c/"]}
}`

const lcLayout = bpPrelude + `

def generate_layout(user_params, system_params):
    j = Job(Name="j", Role="arn:aws:iam::123456789012:role/glue",
            Command={"Name": "pythonshell", "ScriptLocation": "/nonexistent.py"})
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[j]))
`

func lcArchive(t testing.TB) []byte {
	return gluetest.BlueprintZip(t, "lc", lcCfg, map[string]string{"layout.py": lcLayout})
}

// Ensure the definition operations behave as Glue's: CreateBlueprint
// registers the archive (a copy in the data directory) and the blueprint
// becomes ACTIVE; GetBlueprint shows ParameterSpec (Glue's
// re-serialisation) only with IncludeParameterSpec and the service
// location only with IncludeBlueprint; ListBlueprints pages and filters by
// tag; BatchGetBlueprints reports MissingBlueprints; names are checked;
// DeleteBlueprint is idempotent.
func TestBlueprint_Lifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	archive := lcArchive(t)
	src := writeArchive(t, archive)
	before := time.Now().Add(-time.Second)

	out, err := b.client.CreateBlueprint(ctx, &glue.CreateBlueprintInput{Name: aws.String("lc"), BlueprintLocation: aws.String(src),
		Description: aws.String("lifecycle"), Tags: map[string]string{"team": "data"}})
	require.NoError(t, err)
	require.Equal(t, "lc", aws.ToString(out.Name))
	first := getBlueprint(t, b, "lc", false, false)
	require.Contains(t, []types.BlueprintStatus{types.BlueprintStatusCreating, types.BlueprintStatusActive}, first.Status)
	waitBlueprintStatus(t, b, "lc", types.BlueprintStatusActive)
	_, err = b.client.CreateBlueprint(ctx, &glue.CreateBlueprintInput{Name: aws.String("lc"), BlueprintLocation: aws.String(src)})
	requireCode(t, err, "AlreadyExistsException", "lc")

	// Without the include flags: no ParameterSpec, no service location.
	bp := getBlueprint(t, b, "lc", false, false)
	require.Equal(t, types.BlueprintStatusActive, bp.Status)
	require.Equal(t, "lifecycle", aws.ToString(bp.Description))
	require.Equal(t, src, aws.ToString(bp.BlueprintLocation))
	require.Empty(t, aws.ToString(bp.ErrorMessage))
	require.Nil(t, bp.ParameterSpec)
	require.Nil(t, bp.BlueprintServiceLocation)
	require.NotNil(t, bp.CreatedOn)
	require.WithinRange(t, *bp.CreatedOn, before, time.Now().Add(time.Second))
	requireNotBefore(t, bp.LastModifiedOn, bp.CreatedOn, "LastModifiedOn")
	require.NotNil(t, bp.LastActiveDefinition)
	require.Equal(t, src, aws.ToString(bp.LastActiveDefinition.BlueprintLocation))
	require.Nil(t, bp.LastActiveDefinition.ParameterSpec)
	require.Nil(t, bp.LastActiveDefinition.BlueprintServiceLocation)

	// IncludeParameterSpec alone.
	bp = getBlueprint(t, b, "lc", false, true)
	require.Nil(t, bp.BlueprintServiceLocation)
	require.NotNil(t, bp.ParameterSpec)
	require.JSONEq(t, lcSpec, aws.ToString(bp.ParameterSpec))
	raw := json.RawMessage(aws.ToString(bp.ParameterSpec))
	require.Equal(t, []string{"WorkflowName", "Workers", "Paths"}, bpJSONKeys(t, raw), "parameters in blueprint.cfg order")
	var params map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &params))
	for name, p := range params {
		require.Equal(t, []string{"type", "collection", "description", "defaultValue", "allowedValues"}, bpJSONKeys(t, p), "keys of %s", name)
	}
	require.JSONEq(t, lcSpec, aws.ToString(bp.LastActiveDefinition.ParameterSpec))

	// IncludeBlueprint alone: the registered copy, inside the data directory.
	bp = getBlueprint(t, b, "lc", true, false)
	require.Nil(t, bp.ParameterSpec)
	loc := aws.ToString(bp.BlueprintServiceLocation)
	copyPath, ok := strings.CutPrefix(loc, "file://")
	require.True(t, ok, "BlueprintServiceLocation %q is a file:// URI", loc)
	require.True(t, strings.HasPrefix(copyPath, b.cfg.DataDir+string(filepath.Separator)), "%s is inside the data directory %s", copyPath, b.cfg.DataDir)
	stored, err := os.ReadFile(copyPath)
	require.NoError(t, err)
	require.Equal(t, archive, stored)
	require.Equal(t, loc, aws.ToString(bp.LastActiveDefinition.BlueprintServiceLocation))

	tags, err := b.client.GetTags(ctx, &glue.GetTagsInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:123456789012:blueprint/lc")})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"team": "data"}, tags.Tags)

	// Listing, paged and by tag; names may use dots, dashes and underscores.
	createBlueprint(t, b, "a.b-c_D9", src)
	_, err = b.client.CreateBlueprint(ctx, &glue.CreateBlueprintInput{Name: aws.String("tagged"), BlueprintLocation: aws.String(src),
		Tags: map[string]string{"team": "ops"}})
	require.NoError(t, err)
	var listed []string
	var pages int
	p := glue.NewListBlueprintsPaginator(b.client, &glue.ListBlueprintsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Blueprints), 2)
		listed = append(listed, page.Blueprints...)
		pages++
	}
	require.Equal(t, 2, pages)
	require.ElementsMatch(t, []string{"lc", "a.b-c_D9", "tagged"}, listed)
	byTag, err := b.client.ListBlueprints(ctx, &glue.ListBlueprintsInput{Tags: map[string]string{"team": "ops"}})
	require.NoError(t, err)
	require.Equal(t, []string{"tagged"}, byTag.Blueprints)

	batch, err := b.client.BatchGetBlueprints(ctx, &glue.BatchGetBlueprintsInput{Names: []string{"lc", "missing", "tagged"},
		IncludeParameterSpec: aws.Bool(true)})
	require.NoError(t, err)
	require.Len(t, batch.Blueprints, 2)
	require.ElementsMatch(t, []string{"lc", "tagged"}, []string{aws.ToString(batch.Blueprints[0].Name), aws.ToString(batch.Blueprints[1].Name)})
	require.NotNil(t, batch.Blueprints[0].ParameterSpec)
	require.Nil(t, batch.Blueprints[0].BlueprintServiceLocation)
	require.Equal(t, []string{"missing"}, batch.MissingBlueprints)
	batch, err = b.client.BatchGetBlueprints(ctx, &glue.BatchGetBlueprintsInput{Names: []string{"lc"}, IncludeBlueprint: aws.Bool(true)})
	require.NoError(t, err)
	require.Len(t, batch.Blueprints, 1)
	require.Nil(t, batch.Blueprints[0].ParameterSpec)
	require.Equal(t, loc, aws.ToString(batch.Blueprints[0].BlueprintServiceLocation))
	require.Empty(t, batch.MissingBlueprints)

	// Names and locations outside the model's patterns.
	for _, bad := range []string{"bad name", "bad/name", "bäd"} {
		_, err = b.client.CreateBlueprint(ctx, &glue.CreateBlueprintInput{Name: aws.String(bad), BlueprintLocation: aws.String(src)})
		requireValidation(t, err, "1 validation error detected: Value '"+bad+"' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	}
	_, err = b.client.CreateBlueprint(ctx, &glue.CreateBlueprintInput{Name: aws.String(strings.Repeat("n", 129)), BlueprintLocation: aws.String(src)})
	requireValidation(t, err, "1 validation error detected: Value '"+strings.Repeat("n", 129)+"' at 'name' failed to satisfy constraint: Member must have length less than or equal to 128")
	// The model checks the pattern where the shape is OrchestrationNameString
	// (GetBlueprint and DeleteBlueprint take a plain NameString).
	_, err = b.client.BatchGetBlueprints(ctx, &glue.BatchGetBlueprintsInput{Names: []string{"bad name"}})
	requireValidation(t, err, "1 validation error detected: Value 'bad name' at 'names.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	_, err = b.client.GetBlueprintRun(ctx, &glue.GetBlueprintRunInput{BlueprintName: aws.String("bad name"), RunId: aws.String("r")})
	requireValidation(t, err, "1 validation error detected: Value 'bad name' at 'blueprintName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	_, err = b.client.GetBlueprint(ctx, &glue.GetBlueprintInput{Name: aws.String("bad name")})
	requireCode(t, err, "EntityNotFoundException", "bad name")
	for _, bad := range []string{"relative/blueprint.zip", "http://host/blueprint.zip", "s3://bucket-only"} {
		_, err = b.client.CreateBlueprint(ctx, &glue.CreateBlueprintInput{Name: aws.String("loc"), BlueprintLocation: aws.String(bad)})
		requireValidation(t, err, "1 validation error detected: Value '"+bad+"' at 'blueprintLocation' failed to satisfy constraint: Member must satisfy regular expression pattern: ^s3://([^/]+)/([^/]+/)*([^/]+)$")
	}
	_, err = b.client.GetBlueprint(ctx, &glue.GetBlueprintInput{Name: aws.String("loc")})
	requireCode(t, err, "EntityNotFoundException", "loc")

	// A run, then DeleteBlueprint: the blueprint, its runs and its copy go,
	// the workflow the run created stays; deleting again succeeds.
	run := runBlueprint(t, b, "lc", map[string]any{"WorkflowName": "lc-wf"}, types.BlueprintRunStateSucceeded)
	del, err := b.client.DeleteBlueprint(ctx, &glue.DeleteBlueprintInput{Name: aws.String("lc")})
	require.NoError(t, err)
	require.Equal(t, "lc", aws.ToString(del.Name))
	_, err = b.client.GetBlueprint(ctx, &glue.GetBlueprintInput{Name: aws.String("lc")})
	requireCode(t, err, "EntityNotFoundException", "lc")
	_, err = b.client.GetBlueprintRun(ctx, &glue.GetBlueprintRunInput{BlueprintName: aws.String("lc"), RunId: run.RunId})
	requireCode(t, err, "EntityNotFoundException")
	bpRequireNotExist(t, copyPath)
	requireBlueprintDetails(t, b, "lc-wf", "lc", aws.ToString(run.RunId))
	del, err = b.client.DeleteBlueprint(ctx, &glue.DeleteBlueprintInput{Name: aws.String("lc")})
	require.NoError(t, err, "DeleteBlueprint is idempotent")
	require.Equal(t, "lc", aws.ToString(del.Name))

	// Re-created under the same name, it starts with no runs.
	createBlueprint(t, b, "lc", src)
	waitBlueprintStatus(t, b, "lc", types.BlueprintStatusActive)
	runs, err := b.client.GetBlueprintRuns(ctx, &glue.GetBlueprintRunsInput{BlueprintName: aws.String("lc")})
	require.NoError(t, err)
	require.Empty(t, runs.BlueprintRuns)
}

// Ensure registration refuses archives whose blueprint.cfg is wrong, and
// locations it cannot read, with FAILED and an ErrorMessage that says what
// is wrong; a blueprint whose only version FAILED cannot run
// (IllegalBlueprintStateException) but can be updated to a good version.
func TestBlueprint_RegistrationErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	layout := map[string]string{"layout.py": lcLayout}
	missing := filepath.Join(t.TempDir(), "missing.zip")
	for _, c := range []struct {
		name, location string
		fragments      []string
	}{
		{"cfg-not-json", writeArchive(t, gluetest.BlueprintZip(t, "lc", `{"layoutGenerator": "lc.layout.generate_layout",`, layout)),
			[]string{"lc/blueprint.cfg", "invalid JSON"}},
		{"cfg-not-object", writeArchive(t, gluetest.BlueprintZip(t, "lc", `["lc.layout.generate_layout"]`, layout)),
			[]string{"lc/blueprint.cfg", "JSON object"}},
		{"no-generator", writeArchive(t, gluetest.BlueprintZip(t, "lc", `{"parameterSpec": {}}`, layout)),
			[]string{"layoutGenerator is missing"}},
		{"generator-not-dotted", writeArchive(t, gluetest.BlueprintZip(t, "lc", `{"layoutGenerator": "generate_layout"}`, layout)),
			[]string{"layoutGenerator", "generate_layout"}},
		{"module-missing", writeArchive(t, gluetest.BlueprintZip(t, "lc", `{"layoutGenerator": "lc.nolayout.generate_layout"}`, layout)),
			[]string{"lc.nolayout.generate_layout", "lc/nolayout.py"}},
		{"param-bad-type", writeArchive(t, gluetest.BlueprintZip(t, "lc", `{"layoutGenerator": "lc.layout.generate_layout",
			"parameterSpec": {"N": {"type": "Number"}}}`, layout)), []string{"parameterSpec.N.type", "Number"}},
		{"param-bad-default", writeArchive(t, gluetest.BlueprintZip(t, "lc", `{"layoutGenerator": "lc.layout.generate_layout",
			"parameterSpec": {"N": {"type": "Integer", "defaultValue": "many"}}}`, layout)), []string{"parameterSpec.N.defaultValue"}},
		{"location-missing", missing, []string{missing}},
		{"s3-missing-bucket", "s3://bucket/blueprint.zip", []string{"s3://bucket/blueprint.zip", "NoSuchBucket"}}, // read from the built-in S3
	} {
		createBlueprint(t, b, c.name, c.location)
		bp := waitBlueprintStatus(t, b, c.name, types.BlueprintStatusFailed)
		for _, f := range c.fragments {
			require.Contains(t, aws.ToString(bp.ErrorMessage), f, "blueprint %s", c.name)
		}
		require.Nil(t, bp.LastActiveDefinition, "blueprint %s", c.name)
		require.Nil(t, bp.BlueprintServiceLocation, "blueprint %s", c.name)
		bpRequireNotExist(t, filepath.Join(b.cfg.DataDir, "blueprints", c.name))
	}

	err := startBlueprintRunErr(b, "cfg-not-json", `{"WorkflowName": "w"}`)
	requireCode(t, err, "IllegalBlueprintStateException", "cfg-not-json")
	good := writeArchive(t, lcArchive(t))
	_, err = b.client.UpdateBlueprint(ctx, &glue.UpdateBlueprintInput{Name: aws.String("cfg-not-json"), BlueprintLocation: aws.String(good)})
	require.NoError(t, err, "a FAILED blueprint can be updated")
	bp := waitBlueprintStatus(t, b, "cfg-not-json", types.BlueprintStatusActive)
	require.Empty(t, aws.ToString(bp.ErrorMessage))
	require.Equal(t, good, aws.ToString(bp.LastActiveDefinition.BlueprintLocation))
	runBlueprint(t, b, "cfg-not-json", map[string]any{"WorkflowName": "repaired"}, types.BlueprintRunStateSucceeded)

	_, err = b.client.UpdateBlueprint(ctx, &glue.UpdateBlueprintInput{Name: aws.String("nope"), BlueprintLocation: aws.String(good)})
	requireCode(t, err, "EntityNotFoundException", "nope")
}

// envLayout creates a workflow whose description says what the generator
// saw of a server secret and of the AWS endpoint.
const envLayout = bpPrelude + `
import os

def generate_layout(user_params, system_params):
    seen = "secret=%s aws_key=%s endpoint=%s home=%s" % (os.environ.get("EPOXY_TEST_SERVER_SECRET", "absent"),
        os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_ENDPOINT_URL_GLUE", "none"), os.environ.get("HOME"))
    return Workflow(Name=user_params["WorkflowName"], Description=seen, Entities=Entities(Jobs=[]))
`

// Ensure a blueprint's layout generator gets the environment jobs get: no
// server secret, no real AWS credentials, Epoxy's endpoint and Epoxy's HOME.
func TestBlueprintRun_GeneratorEnvironment(t *testing.T) {
	t.Setenv("EPOXY_TEST_SERVER_SECRET", "hunter2")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
	b := setup(t)
	archive := gluetest.BlueprintZip(t, "env", `{"layoutGenerator": "env.layout.generate_layout", "parameterSpec": {"WorkflowName": {"type": "String"}}}`,
		map[string]string{"layout.py": envLayout})
	registerBlueprint(t, b, "env", archive)
	runBlueprint(t, b, "env", map[string]any{"WorkflowName": "env-wf"}, types.BlueprintRunStateSucceeded)
	desc := aws.ToString(bpWorkflow(t, b, "env-wf").Description)
	require.Contains(t, desc, "secret=absent aws_key=epoxy endpoint="+b.url)
	require.Contains(t, desc, "home="+filepath.Join(b.cfg.DataDir, "home"))
}
