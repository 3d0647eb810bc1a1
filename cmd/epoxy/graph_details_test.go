package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// Ensure graph nodes carry their details as Glue returns them: TRIGGER nodes
// TriggerDetails with the trigger, JOB nodes JobDetails and CRAWLER nodes
// CrawlerDetails, an empty object when there are no runs.
func TestGraph_NodeDetails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mustWorkflow(t, b, "wf")
	mustJob(t, b, "j")
	mustCrawler(t, b, "c")
	mustTrigger(t, b, startTrigger("wf", "start", jobAction("j"), types.Action{CrawlerName: aws.String("c")}))

	got := post(t, b, "AWSGlue.GetWorkflow", `{"Name":"wf","IncludeGraph":true}`)
	require.Equal(t, 200, got.status)
	nodes := got.body["Workflow"].(map[string]any)["Graph"].(map[string]any)["Nodes"].([]any)
	details := map[string]any{}
	for _, n := range nodes {
		node := n.(map[string]any)
		for _, k := range []string{"TriggerDetails", "JobDetails", "CrawlerDetails"} {
			if d, ok := node[k]; ok {
				details[node["Type"].(string)+":"+k] = d
			}
		}
	}
	require.Len(t, details, 3, "each node carries exactly its own details: %v", details)
	require.Equal(t, map[string]any{}, details["JOB:JobDetails"])
	require.Equal(t, map[string]any{}, details["CRAWLER:CrawlerDetails"])
	trigger := details["TRIGGER:TriggerDetails"].(map[string]any)["Trigger"].(map[string]any)
	require.Equal(t, "start", trigger["Name"])

	wf, err := b.client.GetWorkflow(context.Background(), &glue.GetWorkflowInput{Name: aws.String("wf"), IncludeGraph: aws.Bool(true)})
	require.NoError(t, err)
	job := graphNode(t, wf.Workflow.Graph, types.NodeTypeJob, "j")
	require.NotNil(t, job.JobDetails, "the SDK sees JobDetails")
	require.Empty(t, job.JobDetails.JobRuns)
	require.NotNil(t, graphNode(t, wf.Workflow.Graph, types.NodeTypeCrawler, "c").CrawlerDetails)
}
