package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type wireResponse struct {
	status int
	header http.Header
	body   map[string]any
}

// post sends a raw AWS JSON 1.1 request, as a client with no SDK would.
func post(t *testing.T, b *testBundle, target, body string) wireResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.url+"/", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := wireResponse{status: resp.StatusCode, header: resp.Header}
	require.NoError(t, json.Unmarshal(raw, &out.body), "body is JSON: %s", raw)
	return out
}

func requireWireError(t *testing.T, r wireResponse, status int, code string, fragments ...string) {
	t.Helper()
	require.Equal(t, status, r.status)
	require.Equal(t, code, r.body["__type"])
	require.Equal(t, code, r.header.Get("X-Amzn-ErrorType"))
	require.NotEmpty(t, r.header.Get("x-amzn-RequestId"))
	msg, _ := r.body["Message"].(string)
	for _, f := range fragments {
		require.Contains(t, msg, f)
	}
}

func TestWire_Protocol(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ok := post(t, b, "AWSGlue.CreateWorkflow", `{"Name":"w","Description":null}`)
	require.Equal(t, 200, ok.status)
	require.Equal(t, "w", ok.body["Name"])
	require.NotEmpty(t, ok.header.Get("x-amzn-RequestId"))
	require.Equal(t, "application/x-amz-json-1.1", ok.header.Get("Content-Type"))

	got := post(t, b, "AWSGlue.GetWorkflow", `{"Name":"w"}`)
	wf := got.body["Workflow"].(map[string]any)
	_, isNumber := wf["CreatedOn"].(float64)
	require.True(t, isNumber, "timestamps are epoch seconds as JSON numbers: %v", wf["CreatedOn"])
	_, hasDesc := wf["Description"]
	require.False(t, hasDesc, "null in a request means absent, and absent members are omitted")

	requireWireError(t, post(t, b, "AWSGlue.NoSuchThing", `{}`), 400, "UnknownOperationException",
		`Unknown operation "AWSGlue.NoSuchThing": AWS Glue has no operation NoSuchThing (X-Amz-Target must be AWSGlue.<Operation>)`)
	requireWireError(t, post(t, b, "AWSGlue.GetConnection", `{}`), 400, "UnknownOperationException",
		"Epoxy does not implement the Glue operation GetConnection (\"AWSGlue.GetConnection\"); `epoxy help operations` lists the operations it serves")
	requireWireError(t, post(t, b, "", `{}`), 400, "UnknownOperationException")
	requireWireError(t, post(t, b, "AWSGlue.GetWorkflow", `{"Name":`), 400, "SerializationException", "not valid JSON")
	requireWireError(t, post(t, b, "AWSGlue.GetWorkflow", `[1]`), 400, "SerializationException", "JSON object")
	requireWireError(t, post(t, b, "AWSGlue.GetWorkflow", `{"Name":42}`), 400, "SerializationException", "'Name'")
	requireWireError(t, post(t, b, "AWSGlue.GetWorkflow", `{"Name":"w","IncludeGraph":"yes"}`), 400, "SerializationException", "'IncludeGraph'")
	requireWireValidation(t, post(t, b, "AWSGlue.GetWorkflow", `{}`), "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	requireWireValidation(t, post(t, b, "AWSGlue.CreateJob", `{"Name":"j"}`), "2 validation errors detected: "+
		"Value null at 'command' failed to satisfy constraint: Member must not be null; Value null at 'role' failed to satisfy constraint: Member must not be null")
	requireWireError(t, post(t, b, "AWSGlue.CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[{"JobName":"x","Timeout":"5"}]}`),
		400, "SerializationException", "'Actions[0].Timeout'")
	requireWireValidation(t, post(t, b, "AWSGlue.ListWorkflows", `{"MaxResults":26}`), "1 validation error detected: Value '26' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25")
	requireWireError(t, post(t, b, "AWSGlue.ListWorkflows", `{"MaxResults":3000000000}`), 400, "SerializationException", "'MaxResults'")
	requireWireError(t, post(t, b, "AWSGlue.GetWorkflow", `{"Name":"ghost"}`), 400, "EntityNotFoundException", "ghost")

	big := `{"Name":"w","Description":"` + strings.Repeat("x", 11<<20) + `"}`
	requireWireError(t, post(t, b, "AWSGlue.UpdateWorkflow", big), 400, "SerializationException", "exceeds the limit")

	// A request that is not AWS JSON is S3's (ListBuckets here); with the
	// built-in S3 off, it is an unknown Glue operation.
	resp, err := http.Get(b.url + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Contains(t, string(raw), "<ListAllMyBucketsResult")
	cfg := testConfig(t)
	cfg.S3 = "off"
	resp, err = http.Get(setupWith(t, cfg).url + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 400, resp.StatusCode)
	require.Equal(t, "application/x-amz-json-1.1", resp.Header.Get("Content-Type"))
}

// requireWireValidation asserts that r is HTTP 400 ValidationException with
// exactly AWS's message msg.
func requireWireValidation(t *testing.T, r wireResponse, msg string) {
	t.Helper()
	requireWireError(t, r, 400, "ValidationException")
	require.Equal(t, msg, r.body["Message"])
}
