package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// crawlTree writes files (relative paths) into a new temporary directory
// and returns it.
func crawlTree(t *testing.T, files ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("id,value\n1,2\n"), 0o644))
	}
	return root
}

// s3Crawler creates a crawler with one S3 target.
func s3Crawler(t *testing.T, b *testBundle, name, path string, exclusions ...string) {
	t.Helper()
	_, err := b.client.CreateCrawler(context.Background(), &glue.CreateCrawlerInput{Name: aws.String(name), Role: aws.String(runRole),
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(path), Exclusions: exclusions}}}})
	require.NoError(t, err)
}

func getCrawler(t *testing.T, b *testBundle, name string) *types.Crawler {
	t.Helper()
	out, err := b.client.GetCrawler(context.Background(), &glue.GetCrawlerInput{Name: aws.String(name)})
	require.NoError(t, err)
	return out.Crawler
}

// waitCrawlerReady waits until a crawler is READY after a crawl and returns
// it.
func waitCrawlerReady(t *testing.T, b *testBundle, name string) *types.Crawler {
	t.Helper()
	var c *types.Crawler
	gluetest.Eventually(t, runWait, func() bool {
		c = getCrawler(t, b, name)
		return c.State == types.CrawlerStateReady && c.LastCrawl != nil
	}, "crawler %s did not return to READY", name)
	return c
}

func listCrawls(t *testing.T, b *testBundle, name string) []types.CrawlerHistory {
	t.Helper()
	out, err := b.client.ListCrawls(context.Background(), &glue.ListCrawlsInput{CrawlerName: aws.String(name)})
	require.NoError(t, err)
	return out.Crawls
}

// Ensure a crawl reads a local S3 target, honouring Exclusions: the crawler
// returns to READY with LastCrawl SUCCEEDED, ListCrawls shows a COMPLETED
// crawl whose Summary counts the files not excluded, and GetCrawlerMetrics
// reports it; a target that does not exist fails the crawl, naming it.
func TestRunCrawl_LocalTarget(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	root := crawlTree(t, "a.csv", "b.csv", "skip.tmp", "sub/c.csv", "sub/d.tmp", "logs/x.log", "logs/deep/y.log")
	s3Crawler(t, b, "local", root, "*.tmp", "logs/**")

	_, err := b.client.StopCrawler(ctx, &glue.StopCrawlerInput{Name: aws.String("local")})
	requireCode(t, err, "CrawlerNotRunningException")

	before := time.Now().Add(-time.Second)
	_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("local")})
	require.NoError(t, err)
	c := waitCrawlerReady(t, b, "local")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status)
	require.Empty(t, aws.ToString(c.LastCrawl.ErrorMessage))
	require.NotNil(t, c.LastCrawl.StartTime)
	require.WithinRange(t, *c.LastCrawl.StartTime, before, time.Now().Add(time.Second))

	crawls := listCrawls(t, b, "local")
	require.Len(t, crawls, 1)
	require.Equal(t, types.CrawlerHistoryStateCompleted, crawls[0].State)
	require.NotEmpty(t, aws.ToString(crawls[0].CrawlId))
	require.NotNil(t, crawls[0].StartTime)
	requireNotBefore(t, crawls[0].EndTime, crawls[0].StartTime, "crawl EndTime")
	// *.tmp excludes skip.tmp only (a single * stays within the folder);
	// logs/** excludes everything under logs.
	require.Contains(t, aws.ToString(crawls[0].Summary), "4 files", "summary %q", aws.ToString(crawls[0].Summary))

	// Two more crawls; ListCrawls pages through all three, newest first.
	firstCrawl := aws.ToString(crawls[0].CrawlId)
	for range 2 {
		_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("local")})
		require.NoError(t, err)
		waitCrawlerReady(t, b, "local")
	}
	var ids []string
	var token *string
	for {
		page, err := b.client.ListCrawls(ctx, &glue.ListCrawlsInput{CrawlerName: aws.String("local"), MaxResults: aws.Int32(2), NextToken: token})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Crawls), 2)
		for _, c := range page.Crawls {
			require.Equal(t, types.CrawlerHistoryStateCompleted, c.State)
			ids = append(ids, aws.ToString(c.CrawlId))
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	require.Len(t, ids, 3)
	require.Equal(t, firstCrawl, ids[2], "oldest last")
	require.NotEqual(t, ids[0], ids[1])

	metrics, err := b.client.GetCrawlerMetrics(ctx, &glue.GetCrawlerMetricsInput{CrawlerNameList: []string{"local"}})
	require.NoError(t, err)
	require.Len(t, metrics.CrawlerMetricsList, 1)
	m := metrics.CrawlerMetricsList[0]
	require.Equal(t, "local", aws.ToString(m.CrawlerName))
	require.False(t, m.StillEstimating)
	require.GreaterOrEqual(t, m.LastRuntimeSeconds, 0.0)

	// A crawl of a path that does not exist fails, naming it.
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	s3Crawler(t, b, "broken", missing)
	_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("broken")})
	require.NoError(t, err)
	c = waitCrawlerReady(t, b, "broken")
	require.Equal(t, types.LastCrawlStatusFailed, c.LastCrawl.Status)
	require.Contains(t, aws.ToString(c.LastCrawl.ErrorMessage), missing)
	crawls = listCrawls(t, b, "broken")
	require.Len(t, crawls, 1)
	require.Equal(t, types.CrawlerHistoryStateFailed, crawls[0].State)
	require.Contains(t, aws.ToString(crawls[0].ErrorMessage), missing)

	// An s3:// target of a bucket the built-in S3 does not have fails,
	// saying so.
	s3Crawler(t, b, "no-bucket", "s3://bucket/prefix/")
	_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("no-bucket")})
	require.NoError(t, err)
	c = waitCrawlerReady(t, b, "no-bucket")
	require.Equal(t, types.LastCrawlStatusFailed, c.LastCrawl.Status)
	require.Contains(t, aws.ToString(c.LastCrawl.ErrorMessage), "NoSuchBucket")

	// With the built-in S3 off and no --s3-endpoint, an s3:// target fails
	// saying no endpoint is configured.
	off := testConfig(t)
	off.S3 = "off"
	bo := setupWith(t, off)
	s3Crawler(t, bo, "no-endpoint", "s3://bucket/prefix/")
	_, err = bo.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("no-endpoint")})
	require.NoError(t, err)
	c = waitCrawlerReady(t, bo, "no-endpoint")
	require.Equal(t, types.LastCrawlStatusFailed, c.LastCrawl.Status)
	require.Contains(t, aws.ToString(c.LastCrawl.ErrorMessage), "no S3 endpoint is configured")

	_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("missing")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.ListCrawls(ctx, &glue.ListCrawlsInput{CrawlerName: aws.String("missing")})
	requireCode(t, err, "EntityNotFoundException")
}

// fakeS3 serves ListObjectsV2 for path-style requests: bucket "held" never
// answers (until the request is cancelled), any other bucket lists keys.
type fakeS3 struct {
	held atomic.Int32 // list requests received for bucket "held"
	keys []string
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bucket, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if r.Method != http.MethodGet {
		http.Error(w, "unsupported", http.StatusNotImplemented)
		return
	}
	if r.URL.Query().Get("list-type") != "2" { // GetObject: every object is the same small CSV
		_, _ = w.Write([]byte("id,value\n1,2\n"))
		return
	}
	if bucket == "held" {
		f.held.Add(1)
		<-r.Context().Done()
		return
	}
	prefix := r.URL.Query().Get("prefix")
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`+
		`<Name>%s</Name><Prefix>%s</Prefix><KeyCount>%d</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>`, bucket, prefix, len(f.keys))
	for _, k := range f.keys {
		fmt.Fprintf(&b, `<Contents><Key>%s</Key><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>`, k)
	}
	b.WriteString(`</ListBucketResult>`)
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write([]byte(b.String()))
}

// setupS3 starts Epoxy with a fake S3 endpoint.
func setupS3(t *testing.T, keys ...string) (*testBundle, *fakeS3) {
	t.Helper()
	fake := &fakeS3{keys: keys}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg := testConfig(t)
	cfg.S3Endpoint = srv.URL
	return setupWith(t, cfg), fake
}

// Ensure a running crawler refuses a second StartCrawler with
// CrawlerRunningException and can be stopped (its crawl CANCELLED, the
// crawler READY again), after which StopCrawler says it is not running; an
// s3:// target is listed through the configured endpoint.
func TestRunCrawl_RunningAndStop(t *testing.T) {
	t.Parallel()
	b, fake := setupS3(t, "data/a.csv", "data/b.csv", "data/tmp/c.tmp")
	ctx := context.Background()
	s3Crawler(t, b, "held", "s3://held/data/")

	_, err := b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("held")})
	require.NoError(t, err)
	require.Equal(t, types.CrawlerStateRunning, getCrawler(t, b, "held").State)
	gluetest.Eventually(t, runWait, func() bool { return fake.held.Load() > 0 }, "the crawl never listed its target")
	require.Equal(t, types.CrawlerStateRunning, getCrawler(t, b, "held").State)
	crawls := listCrawls(t, b, "held")
	require.Len(t, crawls, 1)
	require.Equal(t, types.CrawlerHistoryStateRunning, crawls[0].State)
	m, err := b.client.GetCrawlerMetrics(ctx, &glue.GetCrawlerMetricsInput{CrawlerNameList: []string{"held"}})
	require.NoError(t, err)
	require.Len(t, m.CrawlerMetricsList, 1)
	require.True(t, m.CrawlerMetricsList[0].StillEstimating, "a crawl is under way")

	_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("held")})
	requireCode(t, err, "CrawlerRunningException")

	_, err = b.client.StopCrawler(ctx, &glue.StopCrawlerInput{Name: aws.String("held")})
	require.NoError(t, err)
	c := waitCrawlerReady(t, b, "held")
	require.Equal(t, types.LastCrawlStatusCancelled, c.LastCrawl.Status)
	crawls = listCrawls(t, b, "held")
	require.Len(t, crawls, 1)
	require.Equal(t, types.CrawlerHistoryStateStopped, crawls[0].State)
	_, err = b.client.StopCrawler(ctx, &glue.StopCrawlerInput{Name: aws.String("held")})
	requireCode(t, err, "CrawlerNotRunningException")

	// An s3:// target that answers is listed, honouring Exclusions.
	s3Crawler(t, b, "listed", "s3://open/data/", "**.tmp")
	_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("listed")})
	require.NoError(t, err)
	c = waitCrawlerReady(t, b, "listed")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	crawls = listCrawls(t, b, "listed")
	require.Len(t, crawls, 1)
	require.Contains(t, aws.ToString(crawls[0].Summary), "2 files")
}

// Ensure a crawler in a workflow: the start trigger starts the crawl, a
// conditional trigger on CrawlState SUCCEEDED starts a job, and the run's
// graph carries the crawl.
func TestRunCrawl_InWorkflow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	root := crawlTree(t, "x/part-0.csv", "x/part-1.csv")
	s3Crawler(t, b, "discover", "file://"+root)
	scriptJob(t, b, "load", ok)
	scriptJob(t, b, "alert", ok)
	mustWorkflow(t, b, "crawl-then-load")
	mustTrigger(t, b, startTrigger("crawl-then-load", "start", types.Action{CrawlerName: aws.String("discover")}))
	mustTrigger(t, b, condTrigger("crawl-then-load", "crawled", "", []types.Condition{crawlCond("discover", types.CrawlStateSucceeded)},
		jobAction("load")))
	mustTrigger(t, b, condTrigger("crawl-then-load", "crawl-failed", "", []types.Condition{crawlCond("discover", types.CrawlStateFailed)},
		jobAction("alert")))

	runID := startRun(t, b, "crawl-then-load", nil)
	run := waitRunStatus(t, b, "crawl-then-load", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, run)
	node := graphNode(t, run.Graph, types.NodeTypeCrawler, "discover")
	require.NotNil(t, node.CrawlerDetails)
	require.Len(t, node.CrawlerDetails.Crawls, 1)
	crawl := node.CrawlerDetails.Crawls[0]
	require.Equal(t, types.CrawlStateSucceeded, crawl.State)
	requireNotBefore(t, crawl.CompletedOn, crawl.StartedOn, "crawl CompletedOn")
	load := onlyJobRun(t, run, "load")
	require.Equal(t, types.JobRunStateSucceeded, load.JobRunState)
	require.Equal(t, "crawled", aws.ToString(load.TriggerName))
	requireNotBefore(t, load.StartedOn, crawl.CompletedOn, "load starts after the crawl")
	require.Empty(t, nodeJobRuns(t, run, "alert"))

	c := waitCrawlerReady(t, b, "discover")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status)
	crawls := listCrawls(t, b, "discover")
	require.Len(t, crawls, 1)
	require.Contains(t, aws.ToString(crawls[0].Summary), "2 files")
}

// Ensure StopWorkflowRun cancels a crawl under way: the crawl ends
// CANCELLED, the run STOPPED, and the crawler is READY again.
func TestRunCrawl_StopWorkflowRunCancelsCrawl(t *testing.T) {
	t.Parallel()
	b, fake := setupS3(t)
	ctx := context.Background()
	s3Crawler(t, b, "stuck", "s3://held/in/")
	scriptJob(t, b, "after", pyScript(t, t.TempDir(), "ok", "print('ok')\n"))
	mustWorkflow(t, b, "crawl-stop")
	mustTrigger(t, b, startTrigger("crawl-stop", "start", types.Action{CrawlerName: aws.String("stuck")}))
	mustTrigger(t, b, condTrigger("crawl-stop", "after-cancel", "", []types.Condition{crawlCond("stuck", types.CrawlStateCancelled)},
		jobAction("after")))

	runID := startRun(t, b, "crawl-stop", nil)
	gluetest.Eventually(t, runWait, func() bool { return fake.held.Load() > 0 }, "the crawl never listed its target")
	_, err := b.client.StopWorkflowRun(ctx, &glue.StopWorkflowRunInput{Name: aws.String("crawl-stop"), RunId: aws.String(runID)})
	require.NoError(t, err)
	run := waitRunStatus(t, b, "crawl-stop", runID, types.WorkflowRunStatusStopped, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, StoppedActions: 1}, run)
	node := graphNode(t, run.Graph, types.NodeTypeCrawler, "stuck")
	require.NotNil(t, node.CrawlerDetails)
	require.Len(t, node.CrawlerDetails.Crawls, 1)
	require.Equal(t, types.CrawlStateCancelled, node.CrawlerDetails.Crawls[0].State)
	require.Empty(t, allJobRuns(t, b, "after"), "nothing fires in a stopping run")
	c := waitCrawlerReady(t, b, "stuck")
	require.Equal(t, types.LastCrawlStatusCancelled, c.LastCrawl.Status)
}

// Ensure StopCrawler on a crawler crawling for a workflow run cancels the
// crawl, and, the run itself not stopping, the run's trigger watching
// CANCELLED fires and the run ends COMPLETED.
func TestRunCrawl_StopCrawlerInsideWorkflow(t *testing.T) {
	t.Parallel()
	b, fake := setupS3(t)
	ctx := context.Background()
	s3Crawler(t, b, "stuck", "s3://held/in/")
	scriptJob(t, b, "cleanup", pyScript(t, t.TempDir(), "ok", "print('ok')\n"))
	mustWorkflow(t, b, "crawl-cancel")
	mustTrigger(t, b, startTrigger("crawl-cancel", "start", types.Action{CrawlerName: aws.String("stuck")}))
	mustTrigger(t, b, condTrigger("crawl-cancel", "if-cancelled", "", []types.Condition{crawlCond("stuck", types.CrawlStateCancelled)},
		jobAction("cleanup")))

	runID := startRun(t, b, "crawl-cancel", nil)
	gluetest.Eventually(t, runWait, func() bool { return fake.held.Load() > 0 }, "the crawl never listed its target")
	_, err := b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("stuck")})
	requireCode(t, err, "CrawlerRunningException")
	_, err = b.client.StopCrawler(ctx, &glue.StopCrawlerInput{Name: aws.String("stuck")})
	require.NoError(t, err)

	run := waitRunStatus(t, b, "crawl-cancel", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, StoppedActions: 1, SucceededActions: 1}, run)
	node := graphNode(t, run.Graph, types.NodeTypeCrawler, "stuck")
	require.NotNil(t, node.CrawlerDetails)
	require.Len(t, node.CrawlerDetails.Crawls, 1)
	require.Equal(t, types.CrawlStateCancelled, node.CrawlerDetails.Crawls[0].State)
	cleanup := onlyJobRun(t, run, "cleanup")
	require.Equal(t, types.JobRunStateSucceeded, cleanup.JobRunState)
	require.Equal(t, "if-cancelled", aws.ToString(cleanup.TriggerName))
}

// Ensure standalone triggers chain crawls as they chain jobs: an ON_DEMAND
// trigger starts a crawl, and an ACTIVATED CONDITIONAL trigger watching its
// CrawlState starts a job; a crawl started by StartCrawler fires nothing.
func TestRunCrawl_StandaloneTriggers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	root := crawlTree(t, "one.csv")
	s3Crawler(t, b, "solo", root)
	scriptJob(t, b, "after-crawl", pyScript(t, t.TempDir(), "ok", "print('ok')\n"))
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("crawl-now"), Type: types.TriggerTypeOnDemand,
		Actions: []types.Action{{CrawlerName: aws.String("solo")}}})
	mustTrigger(t, b, condTrigger("", "on-crawled", "", []types.Condition{crawlCond("solo", types.CrawlStateSucceeded)}, jobAction("after-crawl")))

	_, err := b.client.StartTrigger(ctx, &glue.StartTriggerInput{Name: aws.String("crawl-now")})
	require.NoError(t, err)
	var jr types.JobRun
	gluetest.Eventually(t, runWait, func() bool {
		runs := allJobRuns(t, b, "after-crawl")
		if len(runs) == 1 {
			jr = runs[0]
		}
		return len(runs) == 1 && terminalJobRunState(runs[0].JobRunState)
	}, "the crawl did not fire the conditional trigger")
	require.Equal(t, types.JobRunStateSucceeded, jr.JobRunState)
	require.Equal(t, "on-crawled", aws.ToString(jr.TriggerName))
	require.Equal(t, types.LastCrawlStatusSucceeded, waitCrawlerReady(t, b, "solo").LastCrawl.Status)

	_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("solo")})
	require.NoError(t, err)
	gluetest.Eventually(t, runWait, func() bool {
		crawls := listCrawls(t, b, "solo")
		return len(crawls) == 2 && crawls[0].State == types.CrawlerHistoryStateCompleted
	}, "the second crawl did not complete")
	require.Len(t, allJobRuns(t, b, "after-crawl"), 1, "a crawl started by StartCrawler fires nothing")
}

// Ensure a crawler with a kind of target Epoxy cannot crawl (JDBC here),
// even beside an S3 target, ends its crawl FAILED saying which.
func TestRunCrawl_UncrawlableTargetsFail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := crawlTree(t, "a/x.csv")
	_, err := b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("mixed"), Role: aws.String(runRole),
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(dir)}},
			JdbcTargets: []types.JdbcTarget{{ConnectionName: aws.String("warehouse"), Path: aws.String("sales/%")}}}})
	require.NoError(t, err)
	_, err = b.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("mixed")})
	require.NoError(t, err)
	c := waitCrawlerReady(t, b, "mixed")
	require.Equal(t, types.LastCrawlStatusFailed, c.LastCrawl.Status)
	require.Contains(t, aws.ToString(c.LastCrawl.ErrorMessage), "JdbcTargets, which Epoxy cannot crawl")
}
