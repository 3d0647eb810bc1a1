package storetest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Ensure every member of a fully populated workflow, trigger, job,
// crawler and blueprint, and of every kind of run record, survives a store
// round trip, times to the millisecond.
func testRoundTrip(t *testing.T, open OpenFunc) {
	t.Run("Workflow", func(t *testing.T) {
		t.Parallel()
		roundTrip(t, open, workflows, fullWorkflow())
	})
	t.Run("Trigger", func(t *testing.T) {
		t.Parallel()
		roundTrip(t, open, triggers, fullTrigger("full"))
	})
	t.Run("Job", func(t *testing.T) {
		t.Parallel()
		roundTrip(t, open, jobs, fullJob())
	})
	t.Run("Crawler", func(t *testing.T) {
		t.Parallel()
		roundTrip(t, open, crawlers, fullCrawler())
	})
	t.Run("Blueprint", func(t *testing.T) {
		t.Parallel()
		roundTrip(t, open, blueprints, fullBlueprint())
	})
	testRecordRoundTrip(t, open)
}

func roundTrip[T any](t *testing.T, open OpenFunc, k kind[T], want *T) {
	requirePopulated(t, reflect.ValueOf(want), reflect.TypeFor[T]().Name())
	b := setup(t, open)
	ctx := b.ctx
	name := k.name(want)
	mustInsert(t, b, k, want)
	check := func(got *T) {
		t.Helper()
		inUTC(got)
		require.Equal(t, canonical(t, want), canonical(t, got))
	}
	b.view(t, func(tx store.Tx) error {
		got, err := k.collection(tx).Get(ctx, name)
		require.NoError(t, err)
		check(got)
		all, err := k.collection(tx).List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		require.Len(t, all, 1)
		check(all[0])
		return nil
	})
	b.update(t, func(tx store.Tx) error { return k.collection(tx).Replace(ctx, name, want) })
	b.view(t, func(tx store.Tx) error {
		got, err := k.collection(tx).Get(ctx, name)
		require.NoError(t, err)
		check(got)
		return nil
	})
}

// canonical is v as generic JSON with numbers kept as written, so raw JSON
// members compare by content (not key order or spacing) and large integers
// compare exactly.
func canonical(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	require.NoError(t, dec.Decode(&out))
	return out
}

// requirePopulated fails when any exported member reachable from v is its
// zero value, so the fixtures keep up as the domain types grow. Members
// whose path is in skip are left alone: the store assigns them, or they
// are derived and never stored.
func requirePopulated(t *testing.T, v reflect.Value, path string, skip ...string) {
	t.Helper()
	if slices.Contains(skip, path) {
		return
	}
	if v.IsZero() {
		require.Failf(t, "fixture not fully populated", "%s is empty: set it in storetest's fixtures", path)
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.Elem().Kind() == reflect.Struct {
			requirePopulated(t, v.Elem(), path, skip...)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				requirePopulated(t, v.Field(i), path+"."+f.Name, skip...)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			requirePopulated(t, v.Index(i), path+"[]", skip...)
		}
	}
}

// at returns the fixture instant shifted by d.
func at(d time.Duration) time.Time { return ms.Add(d) }

func fullWorkflow() *glue.Workflow {
	return &glue.Workflow{
		Name:                 "full",
		Description:          new("every member set"),
		DefaultRunProperties: map[string]string{"env": "prod", "unicode": "ünï 😀"},
		CreatedOn:            glue.At(ms),
		LastModifiedOn:       glue.At(at(time.Hour + 7*time.Millisecond)),
		LastRun:              fullRun(),
		Graph:                fullGraph(),
		MaxConcurrentRuns:    new(int32(3)),
		BlueprintDetails:     &glue.BlueprintDetails{BlueprintName: "bp", RunID: "br_1"},
	}
}

func fullRun() *glue.WorkflowRun {
	return &glue.WorkflowRun{
		Name:                  "full",
		WorkflowRunID:         "wr_2",
		PreviousRunID:         "wr_1",
		WorkflowRunProperties: map[string]string{"k": "v"},
		StartedOn:             glue.At(at(2 * time.Hour)),
		CompletedOn:           glue.At(at(3*time.Hour + 999*time.Millisecond)),
		Status:                glue.WorkflowRunCompleted,
		ErrorMessage:          "partly failed",
		Statistics: &glue.WorkflowRunStatistics{TotalActions: 8, TimeoutActions: 1, FailedActions: 1, StoppedActions: 1,
			SucceededActions: 2, RunningActions: 1, ErroredActions: 1, WaitingActions: 1},
		Graph:                       fullGraph(),
		StartingEventBatchCondition: &glue.StartingEventBatchCondition{BatchSize: new(int32(5)), BatchWindow: new(int32(900))},
	}
}

func fullGraph() *glue.WorkflowGraph {
	return &glue.WorkflowGraph{
		Nodes: []*glue.Node{{
			Type: glue.NodeJob, Name: "j", UniqueID: "wnode_1",
			TriggerDetails: &glue.TriggerNodeDetails{Trigger: fullTrigger("t")},
			JobDetails:     &glue.JobNodeDetails{JobRuns: []*glue.JobRun{fullJobRun()}},
			CrawlerDetails: &glue.CrawlerNodeDetails{Crawls: []*glue.Crawl{{State: glue.CrawlSucceeded, StartedOn: glue.At(at(time.Minute)),
				CompletedOn: glue.At(at(2*time.Minute + time.Millisecond)), ErrorMessage: "none", LogGroup: "/aws-glue/crawlers", LogStream: "c"}}},
		}},
		Edges: []glue.Edge{{SourceID: "wnode_0", DestinationID: "wnode_1"}},
	}
}

func fullJobRun() *glue.JobRun {
	return &glue.JobRun{
		ID: "jr_2", Attempt: 1, PreviousRunID: "jr_1", TriggerName: "t", JobName: "j", JobMode: "SCRIPT",
		JobRunQueuingEnabled: new(true), StartedOn: glue.At(at(time.Second)), LastModifiedOn: glue.At(at(2 * time.Second)), CompletedOn: glue.At(at(3 * time.Second)),
		JobRunState: glue.JobRunSucceeded, Arguments: map[string]string{"--day": "1"}, ErrorMessage: "retried",
		PredecessorRuns: []glue.Predecessor{{JobName: "p", RunID: "jr_0"}}, AllocatedCapacity: 2, ExecutionTime: 61,
		Timeout: new(int32(60)), MaxCapacity: new(0.0625), WorkerType: "G.1X", NumberOfWorkers: new(int32(2)),
		SecurityConfiguration: "sec", LogGroupName: "/aws-glue/jobs", NotificationProperty: &glue.NotificationProperty{NotifyDelayAfter: new(int32(5))},
		GlueVersion: "4.0", ExecutionClass: "FLEX", StateDetail: "done",
	}
}

func fullTrigger(name string) *glue.Trigger {
	return &glue.Trigger{
		Name:         name,
		WorkflowName: "full",
		ID:           "tid-" + name,
		Type:         glue.TriggerConditional,
		State:        glue.TriggerActivated,
		Description:  new("line one\nline two"),
		Schedule:     "cron(0 12 * * ? *)",
		Actions: []glue.Action{
			{JobName: "j", Arguments: map[string]string{"--a": "1", "--b": ""}, Timeout: new(int32(30)), SecurityConfiguration: "sec",
				NotificationProperty: &glue.NotificationProperty{NotifyDelayAfter: new(int32(10))}, CrawlerName: "c"},
		},
		Predicate: &glue.Predicate{Logical: glue.LogicalAny, Conditions: []glue.Condition{
			{LogicalOperator: "EQUALS", JobName: "up", State: "SUCCEEDED", CrawlerName: "cr", CrawlState: "FAILED"},
		}},
		EventBatchingCondition: &glue.EventBatchingCondition{BatchSize: 10, BatchWindow: new(int32(300))},
	}
}

func fullJob() *glue.Job {
	return &glue.Job{
		Name:                      "full",
		JobMode:                   "VISUAL",
		JobRunQueuingEnabled:      new(false),
		Description:               new("all of it"),
		LogURI:                    "s3://logs/full",
		Role:                      "arn:aws:iam::123456789012:role/glue",
		CreatedOn:                 glue.At(ms),
		LastModifiedOn:            glue.At(at(24*time.Hour + 1*time.Millisecond)),
		ExecutionProperty:         &glue.ExecutionProperty{MaxConcurrentRuns: 4},
		Command:                   glue.JobCommand{Name: glue.CommandGlueETL, ScriptLocation: "s3://scripts/full.py", PythonVersion: "3", Runtime: "Ray2.4"},
		DefaultArguments:          map[string]string{"--job-language": "python", "--TempDir": "s3://tmp/"},
		NonOverridableArguments:   map[string]string{"--fixed": "yes"},
		Connections:               &glue.ConnectionsList{Connections: []string{"conn-a", "conn-b"}},
		MaxRetries:                2,
		AllocatedCapacity:         10,
		Timeout:                   new(int32(120)),
		MaxCapacity:               new(10.5),
		WorkerType:                "G.2X",
		NumberOfWorkers:           new(int32(5)),
		SecurityConfiguration:     "sec",
		NotificationProperty:      &glue.NotificationProperty{NotifyDelayAfter: new(int32(15))},
		GlueVersion:               "4.0",
		CodeGenConfigurationNodes: json.RawMessage(`{"node-1":{"S3CsvSource":{"Name":"src","Paths":["s3://in/"]}}}`),
		ExecutionClass:            "STANDARD",
		SourceControlDetails:      json.RawMessage(`{"Provider":"GITHUB","Repository":"repo","Branch":"main"}`),
		MaintenanceWindow:         "Sun:03",
		ProfileName:               "profile",
	}
}

func fullCrawler() *glue.Crawler {
	return &glue.Crawler{
		Name:         "full",
		Role:         "arn:aws:iam::123456789012:role/crawler",
		DatabaseName: "db",
		Description:  new("crawls everything"),
		Classifiers:  []string{"csv", "json"},
		Targets: glue.CrawlerTargets{
			S3Targets: []glue.S3Target{{Path: "s3://bucket/data", Exclusions: []string{"**.tmp"}, ConnectionName: "conn",
				SampleSize: new(int32(10)), EventQueueArn: "arn:aws:sqs:us-east-1:1:q", DlqEventQueueArn: "arn:aws:sqs:us-east-1:1:dlq"}},
			JdbcTargets:     json.RawMessage(`[{"ConnectionName":"jdbc","Path":"db/%"}]`),
			MongoDBTargets:  json.RawMessage(`[{"ConnectionName":"mongo","Path":"db/coll"}]`),
			DynamoDBTargets: json.RawMessage(`[{"Path":"table","scanAll":true}]`),
			CatalogTargets:  json.RawMessage(`[{"DatabaseName":"db","Tables":["t"]}]`),
			DeltaTargets:    json.RawMessage(`[{"DeltaTables":["s3://delta/"]}]`),
			IcebergTargets:  json.RawMessage(`[{"Paths":["s3://iceberg/"]}]`),
			HudiTargets:     json.RawMessage(`[{"Paths":["s3://hudi/"]}]`),
		},
		RecrawlPolicy:                json.RawMessage(`{"RecrawlBehavior":"CRAWL_NEW_FOLDERS_ONLY"}`),
		SchemaChangePolicy:           json.RawMessage(`{"UpdateBehavior":"LOG","DeleteBehavior":"LOG"}`),
		LineageConfiguration:         json.RawMessage(`{"CrawlerLineageSettings":"ENABLE"}`),
		State:                        glue.CrawlerStateRunning,
		TablePrefix:                  new("raw_"),
		Schedule:                     &glue.Schedule{ScheduleExpression: "cron(0 12 * * ? *)", State: glue.ScheduleScheduled},
		CrawlElapsedTime:             1<<53 + 1,
		CreationTime:                 glue.At(ms),
		LastUpdated:                  glue.At(at(-time.Hour)),
		LastCrawl:                    &glue.LastCrawlInfo{Status: "SUCCEEDED", ErrorMessage: "none", LogGroup: "/aws-glue/crawlers", LogStream: "full", MessagePrefix: "p", StartTime: glue.At(at(-30 * time.Minute))},
		Version:                      7,
		Configuration:                `{"Version":1.0}`,
		CrawlerSecurityConfiguration: "sec",
		LakeFormationConfiguration:   json.RawMessage(`{"UseLakeFormationCredentials":true,"AccountId":"123456789012"}`),
	}
}
