package glue_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Ensure ParseARN splits the ARN of every taggable kind and rejects
// anything else with InvalidInputException.
func TestParseARN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		arn       string
		region    string
		account   string
		resource  glue.Resource
		fragments []string // set for errors
	}{
		{"workflow", "arn:aws:glue:us-east-1:123456789012:workflow/etl", "us-east-1", "123456789012", glue.Resource{Kind: glue.KindWorkflow, Name: "etl"}, nil},
		{"trigger", "arn:aws:glue:eu-west-1:1:trigger/t", "eu-west-1", "1", glue.Resource{Kind: glue.KindTrigger, Name: "t"}, nil},
		{"job", "arn:aws:glue:us-east-1:1:job/j", "us-east-1", "1", glue.Resource{Kind: glue.KindJob, Name: "j"}, nil},
		{"crawler", "arn:aws:glue:us-east-1:1:crawler/c", "us-east-1", "1", glue.Resource{Kind: glue.KindCrawler, Name: "c"}, nil},
		{"blueprint", "arn:aws:glue:us-east-1:1:blueprint/b", "us-east-1", "1", glue.Resource{Kind: glue.KindBlueprint, Name: "b"}, nil},
		{"other partition", "arn:aws-cn:glue:cn-north-1:1:job/j", "cn-north-1", "1", glue.Resource{Kind: glue.KindJob, Name: "j"}, nil},
		{"name with slash and colon", "arn:aws:glue:us-east-1:1:job/a/b:c", "us-east-1", "1", glue.Resource{Kind: glue.KindJob, Name: "a/b:c"}, nil},
		{"name with spaces", "arn:aws:glue:us-east-1:1:workflow/my flow 😀", "us-east-1", "1", glue.Resource{Kind: glue.KindWorkflow, Name: "my flow 😀"}, nil},

		{"empty", "", "", "", glue.Resource{}, []string{`"" is not a Glue resource ARN`}},
		{"not an arn", "job/j", "", "", glue.Resource{}, []string{"is not a Glue resource ARN"}},
		{"too few parts", "arn:aws:glue:us-east-1:job/j", "", "", glue.Resource{}, []string{"is not a Glue resource ARN"}},
		{"other service", "arn:aws:s3:us-east-1:1:job/j", "", "", glue.Resource{}, []string{"is not a Glue resource ARN"}},
		{"bad partition", "arn:gcp:glue:us-east-1:1:job/j", "", "", glue.Resource{}, []string{"is not a Glue resource ARN"}},
		{"uppercase prefix", "ARN:aws:glue:us-east-1:1:job/j", "", "", glue.Resource{}, []string{"is not a Glue resource ARN"}},
		{"no name", "arn:aws:glue:us-east-1:1:job/", "", "", glue.Resource{}, []string{"does not name a resource (<kind>/<name>)"}},
		{"no slash", "arn:aws:glue:us-east-1:1:job", "", "", glue.Resource{}, []string{"does not name a resource"}},
		{"untaggable kind", "arn:aws:glue:us-east-1:1:database/db", "", "", glue.Resource{}, []string{`resource type "database" cannot be tagged`}},
		{"kind case", "arn:aws:glue:us-east-1:1:Job/j", "", "", glue.Resource{}, []string{`resource type "Job" cannot be tagged`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			region, account, r, err := glue.ParseARN(tt.arn)
			if len(tt.fragments) > 0 {
				requireGlueError(t, err, glue.InvalidInput, tt.fragments...)
				require.Empty(t, region)
				require.Empty(t, account)
				require.Equal(t, glue.Resource{}, r)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.region, region)
			require.Equal(t, tt.account, account)
			require.Equal(t, tt.resource, r)
		})
	}
}

// Ensure ARN and ParseARN round-trip for every kind.
func TestARN_RoundTrip(t *testing.T) {
	t.Parallel()
	for _, k := range glue.Kinds() {
		arn := glue.ARN("ap-south-1", "123456789012", k, "name/with:parts")
		region, account, r, err := glue.ParseARN(arn)
		require.NoError(t, err, arn)
		require.Equal(t, "ap-south-1", region)
		require.Equal(t, "123456789012", account)
		require.Equal(t, glue.Resource{Kind: k, Name: "name/with:parts"}, r)
	}
	require.Equal(t, "arn:aws:glue:us-east-1:1:workflow/w", glue.ARN("us-east-1", "1", glue.KindWorkflow, "w"))
}

// Ensure kinds are capitalised for messages.
func TestKind_Title(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Workflow", glue.KindWorkflow.Title())
	require.Equal(t, "Crawler", glue.KindCrawler.Title())
	require.Equal(t, "", glue.Kind("").Title())
}

// Ensure the lists of kinds and listenable states cannot be changed by a
// caller: each call returns a new slice.
func TestLists_Fresh(t *testing.T) {
	t.Parallel()
	kinds := glue.Kinds()
	kinds[0] = "changed"
	require.Equal(t, glue.KindWorkflow, glue.Kinds()[0])
	jobs := glue.ListenableJobStates()
	jobs[0] = "RUNNING"
	require.Equal(t, []string{"SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT"}, glue.ListenableJobStates())
	crawls := glue.ListenableCrawlStates()
	crawls[0] = "RUNNING"
	require.Equal(t, []string{"SUCCEEDED", "FAILED", "CANCELLED"}, glue.ListenableCrawlStates())
}
