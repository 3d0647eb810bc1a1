package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzSeeds are valid requests for many operations, so the fuzzer starts
// from bodies that reach the services rather than the JSON parser only.
var fuzzSeeds = []struct{ op, body string }{
	{"CreateWorkflow", `{"Name":"w","Description":"d","DefaultRunProperties":{"k":"v"},"MaxConcurrentRuns":2,"Tags":{"team":"x"}}`},
	{"UpdateWorkflow", `{"Name":"w","DefaultRunProperties":{"k":"v2"}}`},
	{"GetWorkflow", `{"Name":"w","IncludeGraph":true}`},
	{"ListWorkflows", `{"MaxResults":2}`},
	{"BatchGetWorkflows", `{"Names":["w","w","ghost"],"IncludeGraph":true}`},
	{"DeleteWorkflow", `{"Name":"w"}`},
	{"CreateJob", `{"Name":"j","Role":"r","Command":{"Name":"pythonshell","ScriptLocation":"/nonexistent/epoxy-fuzz.py"},"DefaultArguments":{"--a":"b"},"ExecutionProperty":{"MaxConcurrentRuns":1},"MaxRetries":0,"Timeout":1}`},
	{"UpdateJob", `{"JobName":"j","JobUpdate":{"Role":"r","Command":{"Name":"pythonshell","ScriptLocation":"/nonexistent/x.py"}}}`},
	{"GetJob", `{"JobName":"j"}`},
	{"GetJobs", `{"MaxResults":1}`},
	{"ListJobs", `{"Tags":{"team":"x"}}`},
	{"BatchGetJobs", `{"JobNames":["j","j"]}`},
	{"StartJobRun", `{"JobName":"j","Arguments":{"--x":"1"}}`},
	{"GetJobRuns", `{"JobName":"j","MaxResults":5}`},
	{"GetJobRun", `{"JobName":"j","RunId":"jr_0"}`},
	{"BatchStopJobRun", `{"JobName":"j","JobRunIds":["jr_0","jr_1"]}`},
	{"CreateTrigger", `{"Name":"t","WorkflowName":"w","Type":"CONDITIONAL","StartOnCreation":true,"Predicate":{"Logical":"AND","Conditions":[{"LogicalOperator":"EQUALS","JobName":"j","State":"SUCCEEDED"}]},"Actions":[{"JobName":"j","Arguments":{"--k":"v"},"Timeout":5}]}`},
	{"CreateTrigger", `{"Name":"s","Type":"SCHEDULED","Schedule":"cron(0 12 * * ? *)","Actions":[{"CrawlerName":"c"}]}`},
	{"CreateTrigger", `{"Name":"e","WorkflowName":"w","Type":"EVENT","EventBatchingCondition":{"BatchSize":2,"BatchWindow":60},"Actions":[{"JobName":"j"}]}`},
	{"UpdateTrigger", `{"Name":"t","TriggerUpdate":{"Description":"x","Actions":[{"JobName":"j"}]}}`},
	{"GetTriggers", `{"DependentJobName":"j"}`},
	{"ListTriggers", `{"MaxResults":1}`},
	{"BatchGetTriggers", `{"TriggerNames":["t","s"]}`},
	{"StartTrigger", `{"Name":"t"}`},
	{"StopTrigger", `{"Name":"t"}`},
	{"DeleteTrigger", `{"Name":"t"}`},
	{"CreateCrawler", `{"Name":"c","Role":"r","DatabaseName":"db","Targets":{"S3Targets":[{"Path":"/nonexistent/data","Exclusions":["**.tmp"]}]},"Schedule":"cron(0 12 * * ? *)"}`},
	{"UpdateCrawler", `{"Name":"c","Description":"d"}`},
	{"GetCrawler", `{"Name":"c"}`},
	{"GetCrawlers", `{}`},
	{"ListCrawlers", `{"Tags":{"a":"b"}}`},
	{"BatchGetCrawlers", `{"CrawlerNames":["c"]}`},
	{"StartCrawler", `{"Name":"c"}`},
	{"StopCrawler", `{"Name":"c"}`},
	{"GetCrawlerMetrics", `{"CrawlerNameList":["c"]}`},
	{"ListCrawls", `{"CrawlerName":"c","Filters":[{"FieldName":"STATE","FilterOperator":"EQ","FieldValue":"COMPLETED"}]}`},
	{"UpdateCrawlerSchedule", `{"CrawlerName":"c","Schedule":"cron(0/15 8-17 ? * MON-FRI *)"}`},
	{"StartCrawlerSchedule", `{"CrawlerName":"c"}`},
	{"StopCrawlerSchedule", `{"CrawlerName":"c"}`},
	{"StartWorkflowRun", `{"Name":"w","RunProperties":{"day":"2026-01-01"}}`},
	{"GetWorkflowRuns", `{"Name":"w","IncludeGraph":true}`},
	{"GetWorkflowRun", `{"Name":"w","RunId":"wr_0","IncludeGraph":true}`},
	{"StopWorkflowRun", `{"Name":"w","RunId":"wr_0"}`},
	{"ResumeWorkflowRun", `{"Name":"w","RunId":"wr_0","NodeIds":["n"]}`},
	{"GetWorkflowRunProperties", `{"Name":"w","RunId":"wr_0"}`},
	{"PutWorkflowRunProperties", `{"Name":"w","RunId":"wr_0","RunProperties":{"k":"v"}}`},
	{"TagResource", `{"ResourceArn":"arn:aws:glue:us-east-1:123456789012:workflow/w","TagsToAdd":{"k":"v"}}`},
	{"UntagResource", `{"ResourceArn":"arn:aws:glue:us-east-1:123456789012:workflow/w","TagsToRemove":["k"]}`},
	{"GetTags", `{"ResourceArn":"arn:aws:glue:us-east-1:123456789012:job/j"}`},
	{"CreateBlueprint", `{"Name":"bp","BlueprintLocation":"/nonexistent/bp.zip"}`},
	{"GetBlueprint", `{"Name":"bp","IncludeBlueprint":true,"IncludeParameterSpec":true}`},
	{"ListBlueprints", `{}`},
	{"BatchGetBlueprints", `{"Names":["bp"]}`},
	{"StartBlueprintRun", `{"BlueprintName":"bp","Parameters":"{}","RoleArn":"arn:aws:iam::123456789012:role/glue"}`},
	{"GetBlueprintRuns", `{"BlueprintName":"bp"}`},
	{"NotifyEvent", `{"WorkflowName":"w","EventId":"e-1"}`},
	{"GetWorkflow", `{"Name":"w\ud800"}`},
	{"BatchGetWorkflows", `{"Names":["a",null]}`},
}

// FuzzHandler drives the fully wired HTTP handler with arbitrary targets and
// bodies. Whatever arrives, Epoxy must not panic, must never answer 5xx, and
// every 4xx must be AWS's JSON error shape: __type and Message, with the
// same type in X-Amzn-ErrorType. Jobs run `true`, so fuzzed job and
// blueprint runs execute nothing.
func FuzzHandler(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add("AWSGlue."+s.op, []byte(s.body))
	}
	f.Add("GetWorkflow", []byte(`{"Name":"w"}`))
	cfg := testConfig(f)
	noop, err := exec.LookPath("true")
	require.NoError(f, err)
	cfg.Python = noop
	h := setupWith(f, cfg).app.handler
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", target)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		requireWellFormed(t, rec)
	})
}

// requireWellFormed asserts a response is 200 with a JSON body, or a 4xx
// with AWS's error shape.
func requireWellFormed(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	require.Less(t, rec.Code, 500, "server error: %s", rec.Body.String())
	var body map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), "response is a JSON object: %q", rec.Body.String())
	if rec.Code == http.StatusOK {
		return
	}
	require.GreaterOrEqual(t, rec.Code, 400)
	typ, _ := body["__type"].(string)
	require.NotEmpty(t, typ, "error has __type: %s", rec.Body.String())
	_, hasMsg := body["Message"].(string)
	require.True(t, hasMsg, "error has a Message: %s", rec.Body.String())
	require.Equal(t, typ, rec.Header().Get("X-Amzn-ErrorType"))
}
