package main

import (
	"context"
	"encoding/base64"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// verArchive returns a blueprint whose workflow's Description is version
// (followed by the Tag parameter when the spec declares one).
func verArchive(t testing.TB, version, spec string) []byte {
	t.Helper()
	cfg := `{"layoutGenerator": "ver.layout.generate_layout", "parameterSpec": ` + spec + `}`
	layout := bpPrelude + `

def generate_layout(user_params, system_params):
    j = Job(Name="j", Role="arn:aws:iam::123456789012:role/glue",
            Command={"Name": "pythonshell", "ScriptLocation": "/nonexistent.py"})
    description = " ".join(["` + version + `"] + ([user_params["Tag"]] if "Tag" in user_params else []))
    return Workflow(Name=user_params["WorkflowName"], Description=description, Entities=Entities(Jobs=[j]))
`
	return gluetest.BlueprintZip(t, "ver", cfg, map[string]string{"layout.py": layout})
}

const verSpec = `{"WorkflowName": {"type": "String"}}`

// brokenArchive is a blueprint whose blueprint.cfg is not JSON.
func brokenArchive(t testing.TB) []byte {
	return gluetest.BlueprintZip(t, "ver", `{"layoutGenerator": "ver.layout.generate_layout",`, map[string]string{"layout.py": "x = 1\n"})
}

// Ensure UpdateBlueprint to a broken version ends FAILED with an
// ErrorMessage while LastActiveDefinition keeps the last good version,
// which runs (parameters included) keep using; a later good version becomes
// the one runs use, and workflows created earlier are left as they were.
func TestBlueprint_UpdateKeepsLastActive(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	v1 := writeArchive(t, verArchive(t, "v1", verSpec))
	_, err := b.client.CreateBlueprint(ctx, &glue.CreateBlueprintInput{Name: aws.String("ver"), BlueprintLocation: aws.String(v1),
		Description: aws.String("first")})
	require.NoError(t, err)
	good := waitBlueprintStatus(t, b, "ver", types.BlueprintStatusActive)
	last := good.LastActiveDefinition
	require.NotNil(t, last)
	require.Equal(t, v1, aws.ToString(last.BlueprintLocation))
	require.Equal(t, "first", aws.ToString(last.Description))

	v2 := writeArchive(t, brokenArchive(t))
	up, err := b.client.UpdateBlueprint(ctx, &glue.UpdateBlueprintInput{Name: aws.String("ver"), BlueprintLocation: aws.String(v2),
		Description: aws.String("second")})
	require.NoError(t, err)
	require.Equal(t, "ver", aws.ToString(up.Name))
	failed := waitBlueprintStatus(t, b, "ver", types.BlueprintStatusFailed)
	require.Contains(t, aws.ToString(failed.ErrorMessage), "ver/blueprint.cfg")
	require.Contains(t, aws.ToString(failed.ErrorMessage), "invalid JSON")
	require.Equal(t, v2, aws.ToString(failed.BlueprintLocation), "the blueprint shows the version it tried")
	require.Equal(t, last, failed.LastActiveDefinition, "LastActiveDefinition is still the first version")
	requireNotBefore(t, failed.LastModifiedOn, good.LastModifiedOn, "LastModifiedOn after the update")

	run := runBlueprint(t, b, "ver", map[string]any{"WorkflowName": "after-broken"}, types.BlueprintRunStateSucceeded)
	require.Equal(t, "v1", aws.ToString(requireBlueprintDetails(t, b, "after-broken", "ver", aws.ToString(run.RunId)).Description))
	requireCode(t, startBlueprintRunErr(b, "ver", `{"WorkflowName": "x", "Tag": "t"}`), "InvalidInputException", "Tag")

	v3 := writeArchive(t, verArchive(t, "v3", `{"WorkflowName": {"type": "String"}, "Tag": {"type": "String"}}`))
	_, err = b.client.UpdateBlueprint(ctx, &glue.UpdateBlueprintInput{Name: aws.String("ver"), BlueprintLocation: aws.String(v3)})
	require.NoError(t, err)
	active := waitBlueprintStatus(t, b, "ver", types.BlueprintStatusActive)
	require.Empty(t, aws.ToString(active.ErrorMessage))
	require.Equal(t, v3, aws.ToString(active.LastActiveDefinition.BlueprintLocation))
	require.NotEqual(t, aws.ToString(last.BlueprintServiceLocation), aws.ToString(active.LastActiveDefinition.BlueprintServiceLocation),
		"each version has its own registered copy")
	require.Contains(t, aws.ToString(active.ParameterSpec), `"Tag"`)

	requireCode(t, startBlueprintRunErr(b, "ver", `{"WorkflowName": "x"}`), "InvalidInputException", "Tag", "mandatory")
	run = runBlueprint(t, b, "ver", map[string]any{"WorkflowName": "after-v3", "Tag": "tagged"}, types.BlueprintRunStateSucceeded)
	require.Equal(t, "v3 tagged", aws.ToString(requireBlueprintDetails(t, b, "after-v3", "ver", aws.ToString(run.RunId)).Description))
	require.Equal(t, "v1", aws.ToString(bpWorkflow(t, b, "after-broken").Description), "existing workflows are not affected")
}

// gatedS3 serves GetObject (path-style) for a fixed set of objects, each
// answered only once its gate is open, so that a registration reading it
// stays in progress for as long as a test needs.
type gatedS3 struct {
	mu      sync.Mutex
	objects map[string][]byte        // "/bucket/key" → body
	gates   map[string]chan struct{} // closed when open
}

func newGatedS3(t *testing.T) (*gatedS3, string) {
	t.Helper()
	g := &gatedS3{objects: map[string][]byte{}, gates: map[string]chan struct{}{}}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL
}

// put adds an object behind a closed gate and returns the function that
// opens it.
func (g *gatedS3) put(bucket, key string, body []byte) (open func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	gate := make(chan struct{})
	g.objects["/"+bucket+"/"+key], g.gates["/"+bucket+"/"+key] = body, gate
	return sync.OnceFunc(func() { close(gate) })
}

func (g *gatedS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	body, ok := g.objects[r.URL.Path]
	gate := g.gates[r.URL.Path]
	g.mu.Unlock()
	if r.Method != http.MethodGet || !ok {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>`))
		return
	}
	select {
	case <-gate:
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	sum := crc32.ChecksumIEEE(body)
	w.Header().Set("x-amz-checksum-crc32", base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)}))
	_, _ = w.Write(body)
}

// Ensure the rules for a blueprint whose registration is under way, made
// deterministic by an S3 endpoint that holds the archive back: while
// CREATING it can neither be updated nor run (IllegalBlueprintStateException);
// while UPDATING it cannot be updated again but runs use the last active
// version; once the archive arrives the new version is ACTIVE.
func TestBlueprint_BusyStates(t *testing.T) {
	t.Parallel()
	s3, url := newGatedS3(t)
	cfg := testConfig(t)
	cfg.S3Endpoint = url
	b := setupWith(t, cfg)
	ctx := context.Background()
	openCreated := s3.put("bkt", "created.zip", verArchive(t, "created", verSpec))
	openV2 := s3.put("bkt", "v2.zip", verArchive(t, "v2", verSpec))
	local := writeArchive(t, verArchive(t, "v1", verSpec))

	createBlueprint(t, b, "held", "s3://bkt/created.zip")
	bp := getBlueprint(t, b, "held", true, true)
	require.Equal(t, types.BlueprintStatusCreating, bp.Status)
	require.Nil(t, bp.LastActiveDefinition)
	require.Equal(t, "s3://bkt/created.zip", aws.ToString(bp.BlueprintLocation))
	_, err := b.client.UpdateBlueprint(ctx, &glue.UpdateBlueprintInput{Name: aws.String("held"), BlueprintLocation: aws.String(local)})
	requireCode(t, err, "IllegalBlueprintStateException", "CREATING")
	requireCode(t, startBlueprintRunErr(b, "held", `{"WorkflowName": "early"}`), "IllegalBlueprintStateException")
	openCreated()
	bp = waitBlueprintStatus(t, b, "held", types.BlueprintStatusActive)
	require.Equal(t, "s3://bkt/created.zip", aws.ToString(bp.LastActiveDefinition.BlueprintLocation))
	run := runBlueprint(t, b, "held", map[string]any{"WorkflowName": "from-s3"}, types.BlueprintRunStateSucceeded)
	require.Equal(t, "created", aws.ToString(requireBlueprintDetails(t, b, "from-s3", "held", aws.ToString(run.RunId)).Description))

	registerBlueprint(t, b, "busy", verArchive(t, "v1", verSpec))
	_, err = b.client.UpdateBlueprint(ctx, &glue.UpdateBlueprintInput{Name: aws.String("busy"), BlueprintLocation: aws.String("s3://bkt/v2.zip")})
	require.NoError(t, err)
	bp = getBlueprint(t, b, "busy", true, true)
	require.Equal(t, types.BlueprintStatusUpdating, bp.Status)
	require.Equal(t, "s3://bkt/v2.zip", aws.ToString(bp.BlueprintLocation))
	_, err = b.client.UpdateBlueprint(ctx, &glue.UpdateBlueprintInput{Name: aws.String("busy"), BlueprintLocation: aws.String(local)})
	requireCode(t, err, "IllegalBlueprintStateException", "UPDATING")
	run = runBlueprint(t, b, "busy", map[string]any{"WorkflowName": "while-updating"}, types.BlueprintRunStateSucceeded)
	require.Equal(t, "v1", aws.ToString(requireBlueprintDetails(t, b, "while-updating", "busy", aws.ToString(run.RunId)).Description))
	require.Equal(t, types.BlueprintStatusUpdating, getBlueprint(t, b, "busy", false, false).Status, "still held back")
	openV2()
	bp = waitBlueprintStatus(t, b, "busy", types.BlueprintStatusActive)
	require.Equal(t, "s3://bkt/v2.zip", aws.ToString(bp.LastActiveDefinition.BlueprintLocation))
	run = runBlueprint(t, b, "busy", map[string]any{"WorkflowName": "after-update"}, types.BlueprintRunStateSucceeded)
	require.Equal(t, "v2", aws.ToString(requireBlueprintDetails(t, b, "after-update", "busy", aws.ToString(run.RunId)).Description))
}
