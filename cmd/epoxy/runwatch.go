package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/smithy-go"

	"github.com/epoxy-run/epoxy/internal/executor"
)

// stderrTailLines is how many of a failed job run's last stderr lines
// `epoxy run` prints.
const stderrTailLines = 20

// follower starts a run and follows it, printing one line per state
// change of the run and of every job run and crawl in it.
type follower struct {
	client *glue.Client
	logs   logEventsAPI // the server's Logs API, for stderr tails
	out    io.Writer
	data   string // data directory to read job logs from, or ""
	poll   time.Duration
	// timeout bounds the wait for the run's end (0: no bound).
	timeout time.Duration
	now     func() time.Time
	start   time.Time
	seen    map[string]string // job run or crawl key → last state printed
}

// logf prints one progress line, prefixed by the time since the start.
func (f *follower) logf(format string, a ...any) {
	elapsed := f.now().Sub(f.start).Seconds()
	fmt.Fprintf(f.out, "[%7.1fs] "+format+"\n", append([]any{elapsed}, a...)...)
}

// changed records a state and reports whether it differs from the last
// one recorded under key.
func (f *follower) changed(key, state string) bool {
	if f.seen[key] == state {
		return false
	}
	f.seen[key] = state
	return true
}

// waitContext bounds the wait by the timeout.
func (f *follower) waitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if f.timeout > 0 {
		return context.WithTimeout(ctx, f.timeout)
	}
	return context.WithCancel(ctx)
}

// runWorkflow starts a workflow run and, with wait, follows it to its end.
func (f *follower) runWorkflow(ctx context.Context, name string, props map[string]string, wait bool) error {
	out, err := f.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: &name, RunProperties: props})
	if err != nil {
		return exitError{exitRunError, fmt.Sprintf("start a run of workflow %s: %s", name, apiMessage(err))}
	}
	f.start = f.now()
	fmt.Fprintf(f.out, "epoxy run: workflow %s: run %s started\n", name, *out.RunId)
	if !wait {
		return nil
	}
	waitCtx, cancel := f.waitContext(ctx)
	defer cancel()
	run, err := f.followWorkflow(waitCtx, name, *out.RunId)
	if run != nil {
		f.printGraph(run)
	}
	if err != nil {
		return interpretWaitErr(ctx, waitCtx, err)
	}
	return workflowOutcome(name, run)
}

// followWorkflow polls the workflow run until it ends, returning its last
// state (also when ctx ends first).
func (f *follower) followWorkflow(ctx context.Context, name, id string) (*types.WorkflowRun, error) {
	ticker := time.NewTicker(f.poll)
	defer ticker.Stop()
	var last *types.WorkflowRun
	for {
		out, err := f.client.GetWorkflowRun(ctx, &glue.GetWorkflowRunInput{Name: &name, RunId: &id, IncludeGraph: boolPtr(true)})
		if err != nil {
			return last, followErr(ctx, fmt.Sprintf("follow workflow %s run %s", name, id), err)
		}
		last = out.Run
		if workflowRunEnded(last.Status) {
			f.reportNodes(last)
			f.reportWorkflow(name, last)
			return last, nil
		}
		f.reportWorkflow(name, last)
		f.reportNodes(last)
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-ticker.C:
		}
	}
}

// reportWorkflow prints the workflow run's status if it changed.
func (f *follower) reportWorkflow(name string, run *types.WorkflowRun) {
	if f.changed("workflow", string(run.Status)) {
		f.logf("workflow %s: %s%s", name, run.Status, messageSuffix(run.ErrorMessage))
	}
}

func workflowRunEnded(s types.WorkflowRunStatus) bool {
	return s == types.WorkflowRunStatusCompleted || s == types.WorkflowRunStatusStopped || s == types.WorkflowRunStatusError
}

// reportNodes prints the state changes of the run's job runs and crawls.
func (f *follower) reportNodes(run *types.WorkflowRun) {
	for _, n := range graphNodes(run) {
		switch n.Type {
		case types.NodeTypeJob:
			for _, jr := range jobRunsOf(n) {
				f.reportJobRun(deref(n.Name), jr)
			}
		case types.NodeTypeCrawler:
			for _, c := range crawlsOf(n) {
				f.reportCrawl(deref(n.Name), c)
			}
		}
	}
}

// reportJobRun prints a job run's state if it changed; a failed run's
// stderr tail follows when the data directory is readable.
func (f *follower) reportJobRun(job string, jr types.JobRun) {
	if !f.changed(deref(jr.Id), string(jr.JobRunState)) {
		return
	}
	attempt := ""
	if jr.Attempt > 0 {
		attempt = fmt.Sprintf(" (attempt %d)", jr.Attempt+1)
	}
	if !jobRunEnded(jr.JobRunState) {
		f.logf("job %s%s: %s (job run %s)", job, attempt, jr.JobRunState, deref(jr.Id))
		return
	}
	f.logf("job %s%s: %s after %s%s", job, attempt, jr.JobRunState, formatDuration(span(jr.StartedOn, jr.CompletedOn, f.now())),
		messageSuffix(jr.ErrorMessage))
	if jobRunFailed(jr.JobRunState) {
		f.printStderrTail(jr)
	}
}

// reportCrawl prints a crawl's state if it changed.
func (f *follower) reportCrawl(crawler string, c types.Crawl) {
	key := "crawl " + crawler + " " + timeKey(c.StartedOn)
	if !f.changed(key, string(c.State)) {
		return
	}
	if c.State == types.CrawlStateRunning || c.State == types.CrawlStateCancelling {
		f.logf("crawler %s: %s", crawler, c.State)
		return
	}
	f.logf("crawler %s: %s after %s%s", crawler, c.State, formatDuration(span(c.StartedOn, c.CompletedOn, f.now())),
		messageSuffix(c.ErrorMessage))
}

// logEventsAPI is the part of the CloudWatch Logs API the follower reads.
type logEventsAPI interface {
	GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// printStderrTail prints the last lines a job run wrote to stderr: from the
// data directory when it holds them, else through the server's Logs API
// (which has them wherever the job ran, on PostgreSQL from any node).
func (f *follower) printStderrTail(jr types.JobRun) {
	id := deref(jr.Id)
	var lines []string
	err := errors.New("no data directory")
	if f.data != "" {
		lines, err = tailLines(filepath.Join(executor.LogDir(f.data, id), "stderr"), stderrTailLines)
	}
	if err != nil && f.logs != nil {
		lines, err = f.apiTail(cmp.Or(deref(jr.LogGroupName), "/aws-glue/python-jobs")+"/error", id)
	}
	if err != nil {
		fmt.Fprintf(f.out, "           (no stderr: %v)\n", err)
		return
	}
	for _, l := range lines {
		fmt.Fprintf(f.out, "           stderr| %s\n", l)
	}
}

// apiTail reads the last lines of a job run's stream through the Logs API.
func (f *follower) apiTail(group, id string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := f.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: &group, LogStreamName: &id,
		StartFromHead: aws.Bool(false), Limit: aws.Int32(stderrTailLines)})
	if err != nil {
		return nil, err
	}
	lines := make([]string, 0, len(out.Events))
	for _, e := range out.Events {
		lines = append(lines, strings.TrimRight(deref(e.Message), "\n"))
	}
	return lines, nil
}

// tailLines returns the last n lines of a file, reading at most its last
// 64 KiB.
func tailLines(path string, n int) ([]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	const window = 64 << 10
	size, err := file.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	offset := max(size-window, 0)
	b, err := io.ReadAll(io.NewSectionReader(file, offset, size-offset))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if offset > 0 && len(lines) > 1 {
		lines = lines[1:] // the first line is cut
	}
	if len(lines) == 1 && lines[0] == "" {
		return nil, nil
	}
	return lines[max(len(lines)-n, 0):], nil
}

// runJob starts a job run and, with wait, follows it (and its retries) to
// its end.
func (f *follower) runJob(ctx context.Context, job string, args map[string]string, wait bool) error {
	out, err := f.client.StartJobRun(ctx, &glue.StartJobRunInput{JobName: &job, Arguments: glueArguments(args)})
	if err != nil {
		return exitError{exitRunError, fmt.Sprintf("start a run of job %s: %s", job, apiMessage(err))}
	}
	f.start = f.now()
	fmt.Fprintf(f.out, "epoxy run: job %s: job run %s started\n", job, *out.JobRunId)
	if !wait {
		return nil
	}
	waitCtx, cancel := f.waitContext(ctx)
	defer cancel()
	jr, err := f.followJob(waitCtx, job, *out.JobRunId)
	if jr != nil {
		f.printJobSummary(job, jr)
	}
	if err != nil {
		return interpretWaitErr(ctx, waitCtx, err)
	}
	return jobOutcome(job, jr)
}

// followJob polls a job run until it ends and has no retry, returning the
// last attempt's state.
func (f *follower) followJob(ctx context.Context, job, id string) (*types.JobRun, error) {
	ticker := time.NewTicker(f.poll)
	defer ticker.Stop()
	var last *types.JobRun
	for {
		out, err := f.client.GetJobRun(ctx, &glue.GetJobRunInput{JobName: &job, RunId: &id})
		if err != nil {
			return last, followErr(ctx, fmt.Sprintf("follow job %s run %s", job, id), err)
		}
		last = out.JobRun
		f.reportJobRun(job, *last)
		if jobRunEnded(last.JobRunState) {
			retry, err := f.retryOf(ctx, job, id)
			if err != nil || retry == "" {
				return last, err
			}
			id = retry
			continue
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-ticker.C:
		}
	}
}

// retryOf returns the id of the job run retrying id, or "". Epoxy creates
// a retry in the same transaction that ends the failed attempt, among the
// job's newest runs.
func (f *follower) retryOf(ctx context.Context, job, id string) (string, error) {
	out, err := f.client.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: &job})
	if err != nil {
		return "", followErr(ctx, "list runs of job "+job, err)
	}
	for _, jr := range out.JobRuns {
		if deref(jr.PreviousRunId) == id {
			return deref(jr.Id), nil
		}
	}
	return "", nil
}

// glueArguments prefixes "--" to argument keys that lack it, as Glue job
// arguments are named.
func glueArguments(args map[string]string) map[string]string {
	if len(args) == 0 {
		return nil
	}
	out := make(map[string]string, len(args))
	for k, v := range args {
		if !strings.HasPrefix(k, "--") {
			k = "--" + k
		}
		out[k] = v
	}
	return out
}

func jobRunEnded(s types.JobRunState) bool {
	switch s {
	case types.JobRunStateSucceeded, types.JobRunStateFailed, types.JobRunStateTimeout, types.JobRunStateError,
		types.JobRunStateStopped, types.JobRunStateExpired:
		return true
	}
	return false
}

func jobRunFailed(s types.JobRunState) bool {
	return s == types.JobRunStateFailed || s == types.JobRunStateTimeout || s == types.JobRunStateError
}

// nodeOutcome is the final state of one job or crawler node of a run.
type nodeOutcome struct {
	name, kind, state string
	attempts          int
	took              time.Duration
	ran               bool
}

// outcomeOf summarises a node: its last attempt's state and duration.
func outcomeOf(n types.Node, now time.Time) nodeOutcome {
	o := nodeOutcome{name: deref(n.Name), kind: strings.ToLower(string(n.Type)), state: "NOT RUN"}
	switch n.Type {
	case types.NodeTypeJob:
		runs := jobRunsOf(n)
		if len(runs) > 0 {
			jr := runs[len(runs)-1]
			o.state, o.ran, o.attempts = string(jr.JobRunState), true, len(runs)
			o.took = span(jr.StartedOn, jr.CompletedOn, now)
		}
	case types.NodeTypeCrawler:
		crawls := crawlsOf(n)
		if len(crawls) > 0 {
			c := crawls[len(crawls)-1]
			o.state, o.ran, o.attempts = string(c.State), true, len(crawls)
			o.took = span(c.StartedOn, c.CompletedOn, now)
		}
	}
	return o
}

// failed reports whether the node ended FAILED, TIMEOUT or ERROR.
func (o nodeOutcome) failed() bool {
	return o.state == "FAILED" || o.state == "TIMEOUT" || o.state == "ERROR"
}

// stopped reports whether the node was stopped (a crawl: cancelled).
func (o nodeOutcome) stopped() bool {
	return o.state == "STOPPED" || o.state == "CANCELLED"
}

// workflowOutcome is the command's result for an ended workflow run.
func workflowOutcome(name string, run *types.WorkflowRun) error {
	var failed, stopped []string
	for _, n := range graphNodes(run) {
		o := outcomeOf(n, time.Now())
		if o.failed() {
			failed = append(failed, o.name+" "+o.state)
		}
		if o.stopped() {
			stopped = append(stopped, o.name+" "+o.state)
		}
	}
	switch {
	case run.Status == types.WorkflowRunStatusError:
		return exitError{exitRunError, fmt.Sprintf("workflow %s: run ended ERROR%s", name, messageSuffix(run.ErrorMessage))}
	case run.Status == types.WorkflowRunStatusStopped:
		return exitError{exitStopped, fmt.Sprintf("workflow %s: run STOPPED", name)}
	case len(failed) > 0:
		return exitError{exitNodeFailed, fmt.Sprintf("workflow %s: run COMPLETED, but %s", name, strings.Join(failed, ", "))}
	case len(stopped) > 0:
		return exitError{exitStopped, fmt.Sprintf("workflow %s: run COMPLETED, but %s", name, strings.Join(stopped, ", "))}
	}
	return nil
}

// jobOutcome is the command's result for an ended job run.
func jobOutcome(job string, jr *types.JobRun) error {
	switch {
	case jr.JobRunState == types.JobRunStateSucceeded:
		return nil
	case jobRunFailed(jr.JobRunState):
		return exitError{exitNodeFailed, fmt.Sprintf("job %s: run %s ended %s", job, deref(jr.Id), jr.JobRunState)}
	case jr.JobRunState == types.JobRunStateStopped:
		return exitError{exitStopped, fmt.Sprintf("job %s: run %s STOPPED", job, deref(jr.Id))}
	}
	return exitError{exitRunError, fmt.Sprintf("job %s: run %s ended %s", job, deref(jr.Id), jr.JobRunState)}
}

// printGraph prints the run's job and crawler nodes in dependency order,
// each with its state, duration and what it runs after.
func (f *follower) printGraph(run *types.WorkflowRun) {
	fmt.Fprintf(f.out, "workflow run %s: %s\n", deref(run.WorkflowRunId), run.Status)
	tw := tabwriter.NewWriter(f.out, 0, 0, 2, ' ', 0)
	g := newRunGraph(run)
	for _, n := range g.ordered() {
		if n.Type != types.NodeTypeJob && n.Type != types.NodeTypeCrawler {
			continue
		}
		f.printNode(tw, outcomeOf(n, f.now()), g.upstream(deref(n.UniqueId)))
	}
	tw.Flush()
}

// printJobSummary prints a single job run's final line, as printGraph
// does for a workflow's nodes.
func (f *follower) printJobSummary(job string, jr *types.JobRun) {
	fmt.Fprintf(f.out, "job run %s: %s\n", deref(jr.Id), jr.JobRunState)
	tw := tabwriter.NewWriter(f.out, 0, 0, 2, ' ', 0)
	f.printNode(tw, nodeOutcome{name: job, kind: "job", state: string(jr.JobRunState), ran: true, attempts: int(jr.Attempt) + 1,
		took: span(jr.StartedOn, jr.CompletedOn, f.now())}, nil)
	tw.Flush()
}

func (f *follower) printNode(tw io.Writer, o nodeOutcome, upstream []string) {
	took := ""
	if o.ran {
		took = formatDuration(o.took)
	}
	if o.attempts > 1 {
		took += fmt.Sprintf(" (%d attempts)", o.attempts)
	}
	after := ""
	if len(upstream) > 0 {
		after = "<- " + strings.Join(upstream, ", ")
	}
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", o.name, o.kind, o.state, took, after)
}

// runGraph is a workflow run's graph, indexed.
type runGraph struct {
	nodes map[string]types.Node
	preds map[string][]string // node id → ids of its predecessors
	succs map[string][]string
}

func newRunGraph(run *types.WorkflowRun) *runGraph {
	g := &runGraph{nodes: map[string]types.Node{}, preds: map[string][]string{}, succs: map[string][]string{}}
	for _, n := range graphNodes(run) {
		g.nodes[deref(n.UniqueId)] = n
	}
	if run.Graph != nil {
		for _, e := range run.Graph.Edges {
			src, dst := deref(e.SourceId), deref(e.DestinationId)
			g.preds[dst] = append(g.preds[dst], src)
			g.succs[src] = append(g.succs[src], dst)
		}
	}
	return g
}

// ordered returns the nodes in dependency order (Kahn's algorithm, ties
// by name); nodes on a cycle come last.
func (g *runGraph) ordered() []types.Node {
	indegree := map[string]int{}
	for id := range g.nodes {
		indegree[id] = len(g.preds[id])
	}
	var out []types.Node
	done := map[string]bool{}
	for len(out) < len(g.nodes) {
		ready := g.byName(func(id string) bool { return !done[id] && indegree[id] == 0 })
		if len(ready) == 0 { // a cycle: take what is left
			ready = g.byName(func(id string) bool { return !done[id] })
		}
		for _, id := range ready {
			done[id] = true
			out = append(out, g.nodes[id])
			for _, s := range g.succs[id] {
				indegree[s]--
			}
		}
	}
	return out
}

// byName returns the ids of the nodes that keep holds for, sorted by name.
func (g *runGraph) byName(keep func(id string) bool) []string {
	var ids []string
	for id := range g.nodes {
		if keep(id) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := g.nodes[ids[i]], g.nodes[ids[j]]
		if deref(a.Name) != deref(b.Name) {
			return deref(a.Name) < deref(b.Name)
		}
		return ids[i] < ids[j]
	})
	return ids
}

// upstream names what a job or crawler node runs after: the jobs and
// crawlers its triggers watch, or, for a trigger watching nothing, the
// trigger itself.
func (g *runGraph) upstream(id string) []string {
	var names []string
	for _, t := range g.preds[id] {
		trig := g.nodes[t]
		if len(g.preds[t]) == 0 {
			names = append(names, "trigger "+deref(trig.Name))
		}
		for _, w := range g.preds[t] {
			names = append(names, deref(g.nodes[w].Name))
		}
	}
	sort.Strings(names)
	return names
}

// graphNodes returns the run's graph nodes, or none.
func graphNodes(run *types.WorkflowRun) []types.Node {
	if run == nil || run.Graph == nil {
		return nil
	}
	return run.Graph.Nodes
}

// jobRunsOf returns a job node's runs, oldest attempt first.
func jobRunsOf(n types.Node) []types.JobRun {
	if n.JobDetails == nil {
		return nil
	}
	runs := append([]types.JobRun(nil), n.JobDetails.JobRuns...)
	sort.SliceStable(runs, func(i, j int) bool {
		if runs[i].Attempt != runs[j].Attempt {
			return runs[i].Attempt < runs[j].Attempt
		}
		return timeKey(runs[i].StartedOn) < timeKey(runs[j].StartedOn)
	})
	return runs
}

// crawlsOf returns a crawler node's crawls, oldest first.
func crawlsOf(n types.Node) []types.Crawl {
	if n.CrawlerDetails == nil {
		return nil
	}
	crawls := append([]types.Crawl(nil), n.CrawlerDetails.Crawls...)
	sort.SliceStable(crawls, func(i, j int) bool { return timeKey(crawls[i].StartedOn) < timeKey(crawls[j].StartedOn) })
	return crawls
}

// span is end-start, with a missing end meaning now and a missing start
// zero.
func span(start, end *time.Time, now time.Time) time.Duration {
	if start == nil {
		return 0
	}
	if end == nil {
		return now.Sub(*start)
	}
	return end.Sub(*start)
}

func formatDuration(d time.Duration) string {
	return d.Round(10 * time.Millisecond).String()
}

// timeKey orders and identifies by time; a missing time sorts first.
func timeKey(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000")
}

func messageSuffix(msg *string) string {
	if msg == nil || *msg == "" {
		return ""
	}
	return ": " + *msg
}

// followErr is the error of a failed call while following a run: the
// wait's end (timeout or interrupt) if that is why, else exit status 5.
func followErr(ctx context.Context, doing string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return exitError{exitRunError, doing + ": " + apiMessage(err)}
}

// apiMessage is an API error's code and message, or the error's text.
func apiMessage(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode() + ": " + apiErr.ErrorMessage()
	}
	return err.Error()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func boolPtr(b bool) *bool { return &b }
