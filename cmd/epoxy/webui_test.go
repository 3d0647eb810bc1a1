package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// The web UI as `epoxy serve` wires it: pages, cached reads and log tails
// on the API's own address, behind the Host guard (docs/ui.md).

// get sends a GET with the given headers (name, value pairs).
func get(t *testing.T, u string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

// requireGlueError asserts an answer in Glue's error shape.
func requireGlueError(t *testing.T, res *http.Response, body string, status int, code string) {
	t.Helper()
	require.Equal(t, status, res.StatusCode, body)
	var e struct{ Type, Message string }
	require.NoError(t, json.Unmarshal([]byte(strings.Replace(body, "__type", "Type", 1)), &e), body)
	require.Equal(t, code, e.Type, body)
	require.NotEmpty(t, e.Message)
}

func TestUI_PagesAndRedirect(t *testing.T) {
	b := setup(t)
	res, _ := get(t, b.url+"/", "Accept", "text/html,application/xhtml+xml")
	require.Equal(t, http.StatusFound, res.StatusCode)
	require.Equal(t, "/ui/", res.Header.Get("Location"))
	res, body := get(t, b.url+"/")
	require.Equal(t, http.StatusOK, res.StatusCode, "any other GET / is the built-in S3's ListBuckets")
	require.Contains(t, body, "<ListAllMyBucketsResult")

	res, body = get(t, b.url+"/ui/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, `<script type="module" src="app.js">`)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'self'")
	require.Equal(t, "DENY", res.Header.Get("X-Frame-Options"))
	res, _ = get(t, b.url+"/ui/app.js")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Type"), "javascript")
	res, _ = get(t, b.url+"/ui/app.js", "If-None-Match", res.Header.Get("ETag"))
	require.Equal(t, http.StatusNotModified, res.StatusCode)

	res, body = get(t, b.url+"/ui/nothing.js")
	requireGlueError(t, res, body, http.StatusNotFound, "EntityNotFoundException")
	resp, err := http.Post(b.url+"/ui/", "text/plain", nil)
	require.NoError(t, err)
	pb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	requireGlueError(t, resp, string(pb), http.StatusMethodNotAllowed, "InvalidInputException")
	// The UI is behind the Host guard like the API: a rebinding page's
	// Host is refused.
	req, _ := http.NewRequest(http.MethodGet, b.url+"/ui/api/logs/jr_x/stdout", nil)
	req.Host = "attacker.example"
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	pb, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	requireGlueError(t, resp, string(pb), http.StatusForbidden, "AccessDeniedException")
}

func TestUI_CachedReads(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String("ui-job"), Role: aws.String(runRole),
		Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String("/x.py")}})
	require.NoError(t, err)
	read := b.url + "/ui/api/glue/GetJob?input=" + url.QueryEscape(`{"JobName":"ui-job"}`)
	res, body := get(t, read)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, `"Name":"ui-job"`)
	etag := res.Header.Get("ETag")
	require.NotEmpty(t, etag)
	res, body = get(t, read, "If-None-Match", etag)
	require.Equal(t, http.StatusNotModified, res.StatusCode)
	require.Empty(t, body)

	_, err = b.client.UpdateJob(ctx, &glue.UpdateJobInput{JobName: aws.String("ui-job"), JobUpdate: &types.JobUpdate{Role: aws.String(runRole),
		Description: aws.String("changed"), Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String("/x.py")}}})
	require.NoError(t, err)
	res, body = get(t, read, "If-None-Match", etag)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "changed")
	require.NotEqual(t, etag, res.Header.Get("ETag"))

	// Errors come through in Glue's shape; only reads are served.
	res, body = get(t, b.url+"/ui/api/glue/GetJob?input="+url.QueryEscape(`{"JobName":"missing"}`))
	requireGlueError(t, res, body, http.StatusBadRequest, "EntityNotFoundException")
	res, body = get(t, b.url+"/ui/api/glue/GetJob?input="+url.QueryEscape(`{"JobName":`))
	requireGlueError(t, res, body, http.StatusBadRequest, "SerializationException")
	res, body = get(t, b.url+"/ui/api/glue/DeleteJob?input="+url.QueryEscape(`{"JobName":"ui-job"}`))
	requireGlueError(t, res, body, http.StatusBadRequest, "InvalidInputException")
	require.Contains(t, body, "DeleteJob")
	_, err = b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("ui-job")})
	require.NoError(t, err, "the refused DeleteJob deleted nothing")
	res, body = get(t, b.url+"/ui/api/nothing")
	requireGlueError(t, res, body, http.StatusNotFound, "EntityNotFoundException")
}

func TestUI_JobRunLogs(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	stderr := strings.Repeat("0123456789", 20) + "END-OF-STDERR"
	script := pyScript(t, t.TempDir(), "fails", "import sys\nprint('to stdout')\nsys.stderr.write('"+stderr+"')\nsys.exit(3)\n")
	_, err := b.client.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String("ui-logs"), Role: aws.String(runRole),
		Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(script)}})
	require.NoError(t, err)
	id := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("ui-logs")})
	waitJobRunState(t, b, "ui-logs", id, types.JobRunStateFailed, runWait)

	logs := b.url + "/ui/api/logs/" + id
	res, body := get(t, logs+"/stderr?tail=13")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Equal(t, "END-OF-STDERR", body)
	require.Equal(t, "213", res.Header.Get("X-Log-Size"))
	require.Equal(t, "200", res.Header.Get("X-Log-Offset"))
	require.Equal(t, "true", res.Header.Get("X-Log-Ended"))
	res, _ = get(t, logs+"/stderr?tail=13", "If-None-Match", res.Header.Get("ETag"))
	require.Equal(t, http.StatusNotModified, res.StatusCode)
	res, body = get(t, logs+"/stderr?whole=1")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, stderr, body)
	_, body = get(t, logs+"/stdout")
	require.Equal(t, "to stdout\n", body)

	for path, want := range map[string]string{
		"/stderr?tail=-1":       "InvalidInputException",
		"/stderr?tail=99999999": "InvalidInputException",
		"/environ":              "InvalidInputException",
		"/../../token.key":      "InvalidInputException",
	} {
		res, body := get(t, logs+path)
		requireGlueError(t, res, body, http.StatusBadRequest, want)
	}
	res, body = get(t, b.url+"/ui/api/logs/..%2Ftoken.key/stdout")
	requireGlueError(t, res, body, http.StatusBadRequest, "InvalidInputException")
	res, body = get(t, b.url+"/ui/api/logs/jr_unknown/stderr")
	requireGlueError(t, res, body, http.StatusNotFound, "EntityNotFoundException")
}

// Ensure that with --auth sigv4 the UI asks for a login (HTTP Basic: an
// access key id of --credentials and its secret), serves a logged-in
// browser with calls signed by its key, and refuses actions without the
// UI's header, so another site cannot make a logged-in browser act.
func TestUI_LoginWithAuth(t *testing.T) {
	t.Parallel()
	b := setupAuth(t)
	mustWorkflow(t, b, "wf")
	for _, path := range []string{"/ui/", "/ui/api/glue/ListWorkflows"} {
		res, body := get(t, b.url+path)
		requireGlueError(t, res, body, http.StatusUnauthorized, "AccessDeniedException")
		require.Contains(t, res.Header.Get("WWW-Authenticate"), "Basic")
	}
	wrong := "Basic " + base64.StdEncoding.EncodeToString([]byte("AKIDALICE:nope"))
	res, _ := get(t, b.url+"/ui/", "Authorization", wrong)
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)

	alice := "Basic " + base64.StdEncoding.EncodeToString([]byte("AKIDALICE:alice-secret"))
	res, body := get(t, b.url+"/ui/api/glue/ListWorkflows", "Authorization", alice)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, `"wf"`)

	post := func(headers ...string) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodPost, b.url+"/ui/api/glue/StartWorkflowRun", strings.NewReader(`{"Name":"wf"}`))
		require.NoError(t, err)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		out, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(out)
	}
	res, body = post("Authorization", alice)
	requireGlueError(t, res, body, http.StatusForbidden, "AccessDeniedException")
	require.Empty(t, workflowRuns(t, b, "wf"), "an action without the UI's header did nothing")
	res, body = post("Authorization", alice, "X-Epoxy-UI", "1")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, `"RunId"`)
	require.Len(t, workflowRuns(t, b, "wf"), 1)
}
