package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
)

// member is one process of a test cluster: an `epoxy serve` replica or an
// `epoxy worker`, with its own data directory and log, restartable under
// the same name.
type member struct {
	h      *durHarness // the cluster's scratch files and ledgers
	kind   string      // "serve" or "worker"
	name   string
	data   string
	log    string
	args   func() []string
	cmd    *exec.Cmd
	exited chan struct{}
	url    string // a replica's endpoint
	client *glue.Client
}

func (m *member) start() {
	t := m.h.t
	t.Helper()
	require.Nil(t, m.cmd, "%s is running", m.name)
	args := []string{m.kind, "--store", m.h.store, "--data", m.data, "--name", m.name, "--log-level", "debug"}
	if m.kind == "serve" {
		addr := durFreeAddr(t)
		m.url = "http://" + addr
		args = append(args, "--addr", addr, "--workers=false", "--allow-frequent-schedules")
	}
	args = append(args, m.args()...)
	logf, err := os.OpenFile(m.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	require.NoError(t, err)
	fmt.Fprintf(logf, "---- epoxy %s\n", strings.Join(args, " "))
	cmd := exec.Command(m.h.bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	require.NoError(t, cmd.Start())
	logf.Close()
	m.cmd, m.exited = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(m.exited)
	if m.kind == "serve" {
		srv := &durHarness{t: t, url: m.url, exited: m.exited}
		require.NoError(t, srv.waitHealthy(), "replica %s", m.name)
		m.client = newClient(m.url, "us-east-1")
	}
}

func (m *member) kill() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	<-m.exited
	m.cmd, m.client = nil, nil
}

// cluster is three replicas and two workers on one PostgreSQL schema.
type cluster struct {
	h        *durHarness
	replicas []*member
	workers  []*member
}

func newCluster(t *testing.T, url string) *cluster {
	h := newDurHarness(t, durBinary(t))
	h.store = url
	c := &cluster{h: h}
	add := func(kind, name string, args func() []string) *member {
		m := &member{h: h, kind: kind, name: name, data: filepath.Join(h.dir, name), log: filepath.Join(h.dir, name+".log"), args: args}
		t.Cleanup(func() {
			m.kill()
			if t.Failed() {
				if b, err := os.ReadFile(m.log); err == nil {
					t.Logf("%s log:\n%s", name, b)
				}
			}
		})
		return m
	}
	none := func() []string { return nil }
	for i := 0; i < 3; i++ {
		c.replicas = append(c.replicas, add("serve", fmt.Sprintf("r%d", i), none))
	}
	endpoint := func() []string { return []string{"--endpoint", c.live().url} }
	for i := 0; i < 2; i++ {
		c.workers = append(c.workers, add("worker", fmt.Sprintf("w%d", i), endpoint))
	}
	return c
}

// live returns a running replica.
func (c *cluster) live() *member {
	for _, r := range c.replicas {
		if r.cmd != nil {
			return r
		}
	}
	c.h.t.Fatal("no replica is running")
	return nil
}

// leaderName returns the name holding the leader lease, read from the
// store ("" when none does).
func (c *cluster) leaderName() string {
	conn, err := pgx.Connect(context.Background(), c.h.store)
	if err != nil {
		return ""
	}
	defer conn.Close(context.Background())
	var holder string
	_ = conn.QueryRow(context.Background(), `SELECT holder FROM leases WHERE name = 'leader'`).Scan(&holder)
	return holder
}

// leader returns the replica holding the leader lease once one does.
func (c *cluster) leader() *member {
	t := c.h.t
	var holder string
	gluetest.Eventually(t, 2*time.Minute, func() bool { holder = c.leaderName(); return holder != "" }, "a replica leads")
	for _, r := range c.replicas {
		if r.name == holder {
			return r
		}
	}
	t.Fatalf("the leader %q is no replica", holder)
	return nil
}

var scheduleFired = regexp.MustCompile(`msg="schedule fired" .*?schedule=(\S+) fire_time=(\S+)`)

// fires returns the fire times of the "tick" trigger the replicas logged.
func (c *cluster) fires() []string {
	var out []string
	for _, r := range c.replicas {
		b, _ := os.ReadFile(r.log)
		for _, m := range scheduleFired.FindAllStringSubmatch(string(b), -1) {
			if strings.Contains(m[1], "tick") {
				out = append(out, m[2])
			}
		}
	}
	return out
}

// Ensure several Epoxy processes share one PostgreSQL store as one Glue:
// three serve replicas (no job processes of their own) and two workers;
// clients spread over the replicas; many workflow runs of a DAG of real
// python jobs that write a ledger. The leader replica is killed with
// SIGKILL mid-run, then a worker, and both are restarted under their
// names: every run completes, every node of every run executed exactly
// once (by the ledger and by the API), and each fire time of a schedule
// started one run, across the leader's failover.
func TestReplicas_KillLeaderAndWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a cluster of real servers and workers")
	}
	url := pgtest.URL(t)
	t.Parallel()
	c := newCluster(t, url)
	h := c.h
	require.NoError(t, os.WriteFile(h.script, []byte(fmt.Sprintf(chaosScript, h.startLog, h.doneLog)), 0o644))
	for _, m := range append(append([]*member{}, c.replicas...), c.workers...) {
		m.start()
	}
	h.client = c.replicas[0].client
	chaosWorkflow(h)
	ctx := context.Background()
	for _, n := range chaosNodes {
		_, err := c.replicas[1].client.UpdateJob(ctx, &glue.UpdateJobInput{JobName: aws.String(n), JobUpdate: &types.JobUpdate{
			Role: aws.String(runRole), Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(h.script)},
			DefaultArguments: map[string]string{"--SLEEP": "1"}, ExecutionProperty: &types.ExecutionProperty{MaxConcurrentRuns: 100}}})
		require.NoError(t, err, "a write on one replica acts on what another created")
	}
	tick := filepath.Join(h.dir, "tick.py")
	require.NoError(t, os.WriteFile(tick, []byte("pass\n"), 0o644))
	_, err := c.replicas[2].client.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String("tick"), Role: aws.String(runRole),
		Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(tick)}})
	require.NoError(t, err)
	_, err = c.replicas[2].client.CreateTrigger(ctx, &glue.CreateTriggerInput{Name: aws.String("tick"), Type: types.TriggerTypeScheduled,
		Schedule: aws.String("cron(* * * * ? *)"), StartOnCreation: true, Actions: []types.Action{{JobName: aws.String("tick")}}})
	require.NoError(t, err)

	const runs = 6
	var ids []string
	for i := 0; i < runs; i++ {
		out, err := c.replicas[i%3].client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String("chaos")})
		require.NoError(t, err)
		ids = append(ids, aws.ToString(out.RunId))
	}
	_, err = c.replicas[2].client.GetWorkflowRun(ctx, &glue.GetWorkflowRunInput{Name: aws.String("chaos"), RunId: aws.String(ids[0])})
	require.NoError(t, err, "a run started on one replica is read on another")

	grown := func(n int) func() bool { return func() bool { return len(durLines(h.startLog)) >= n } }
	h.waitFor("jobs to start", 2*time.Minute, grown(4))
	leader := c.leader()
	t.Logf("killing the leader %s", leader.name)
	leader.kill()
	h.waitFor("more jobs to start", 2*time.Minute, grown(len(durLines(h.startLog))+4))
	t.Logf("killing worker w0")
	c.workers[0].kill()
	c.workers[0].start()
	h.waitFor("another replica to lead", 2*time.Minute, func() bool {
		n := c.leaderName()
		return n != "" && n != leader.name
	})
	t.Logf("%s leads now", c.leaderName())
	leader.start()

	for _, id := range ids {
		h.client = c.replicas[len(id)%3].client
		run := h.waitCompleted("chaos", id, 3*time.Minute)
		require.Equal(t, int32(len(chaosNodes)), run.Statistics.SucceededActions, "run %s: %+v", id, run.Statistics)
		for job, jrs := range durJobNodes(t, run) {
			require.Len(t, jrs, 1, "run %s node %s: %s", id, job, durDescribe(jrs))
			require.Equal(t, types.JobRunStateSucceeded, jrs[0].JobRunState, "run %s node %s", id, job)
		}
	}
	requireLedgerExactlyOnce(t, h, ids)

	h.waitFor("the schedule to fire", 3*time.Minute, func() bool { return len(c.fires()) >= 1 })
	out, err := c.live().client.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String("tick")})
	require.NoError(t, err)
	fires := c.fires()
	seen := map[string]bool{}
	for _, f := range fires {
		require.False(t, seen[f], "fire time %s fired twice: %v", f, fires)
		seen[f] = true
	}
	// A replica killed just after committing a fire may not have logged it;
	// a fire may come between the two reads.
	require.LessOrEqual(t, len(out.JobRuns), len(fires)+1, "one run per fire time: %v", fires)
	require.GreaterOrEqual(t, len(out.JobRuns), len(fires)-1, "one run per fire time: %v", fires)
}
