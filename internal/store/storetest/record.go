package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// reader reads runs in a transaction, for round trips through every way a
// run can be read back.
type reader[T any] func(ctx context.Context, tx store.Tx) ([]*T, error)

func testRecordRoundTrip(t *testing.T, open OpenFunc) {
	t.Run("WorkflowRunRecord", func(t *testing.T) {
		t.Parallel()
		// Statistics and Graph are derived from the run's job runs and
		// crawls whenever a run is shown, and never stored.
		roundTripRun(t, open, workflowRuns, fullWorkflowRunRecord(), []string{
			"WorkflowRunRecord.Run.Statistics", "WorkflowRunRecord.Run.Graph",
		},
			func(ctx context.Context, tx store.Tx) ([]*glue.WorkflowRunRecord, error) {
				return tx.WorkflowRuns().Active(ctx, "full")
			},
			func(ctx context.Context, tx store.Tx) ([]*glue.WorkflowRunRecord, error) {
				return tx.WorkflowRuns().Active(ctx, "")
			})
	})
	t.Run("JobRunRecord", func(t *testing.T) {
		t.Parallel()
		want := fullJobRunRecord()
		roundTripRun(t, open, jobRuns, want, nil,
			func(ctx context.Context, tx store.Tx) ([]*glue.JobRunRecord, error) {
				r, err := tx.JobRuns().ByID(ctx, want.JobRun.ID)
				return []*glue.JobRunRecord{r}, err
			},
			func(ctx context.Context, tx store.Tx) ([]*glue.JobRunRecord, error) {
				return tx.JobRuns().OfWorkflowRun(ctx, want.WorkflowRunID)
			},
			func(ctx context.Context, tx store.Tx) ([]*glue.JobRunRecord, error) {
				return tx.JobRuns().InStates(ctx, want.JobRun.JobName, want.JobRun.JobRunState)
			},
			func(ctx context.Context, tx store.Tx) ([]*glue.JobRunRecord, error) {
				return tx.JobRuns().InStates(ctx, "", want.JobRun.JobRunState)
			})
	})
	t.Run("CrawlRecord", func(t *testing.T) {
		t.Parallel()
		want := fullCrawlRecord()
		roundTripRun(t, open, crawls, want, nil,
			func(ctx context.Context, tx store.Tx) ([]*glue.CrawlRecord, error) {
				return tx.Crawls().OfWorkflowRun(ctx, want.WorkflowRunID)
			},
			func(ctx context.Context, tx store.Tx) ([]*glue.CrawlRecord, error) {
				return tx.Crawls().InStates(ctx, want.State)
			})
	})
	t.Run("BlueprintRunRecord", func(t *testing.T) {
		t.Parallel()
		want := fullBlueprintRunRecord()
		roundTripRun(t, open, blueprintRuns, want, nil,
			func(ctx context.Context, tx store.Tx) ([]*glue.BlueprintRunRecord, error) {
				return tx.BlueprintRuns().InStates(ctx, want.Run.State)
			})
	})
}

// roundTripRun stores want and checks that Get, List and every reader give
// it back member for member with the Seq Insert assigned, before and after
// an Update that stores it again. Seq and the members in skip may be
// empty in want.
func roundTripRun[T any](t *testing.T, open OpenFunc, k runKind[T], want *T, skip []string, readers ...reader[T]) {
	typ := reflect.TypeFor[T]().Name()
	requirePopulated(t, reflect.ValueOf(want), typ, slices.Concat(skip, []string{typ + ".Seq"})...)
	b := setup(t, open)
	ctx := b.ctx
	mustInsertRuns(t, b, k, want)
	seq := k.seq(want)
	require.Positive(t, seq)
	check := func(got *T) {
		t.Helper()
		require.NotNil(t, got)
		require.Equal(t, seq, k.seq(got))
		inUTC(got)
		require.Equal(t, canonical(t, want), canonical(t, got))
	}
	checkAll := func() {
		t.Helper()
		b.view(t, func(tx store.Tx) error {
			got, err := k.get(ctx, tx, k.owner(want), k.id(want))
			require.NoError(t, err)
			check(got)
			all, err := k.list(ctx, tx, k.owner(want), 0, 0)
			require.NoError(t, err)
			require.Len(t, all, 1)
			check(all[0])
			for i, read := range readers {
				all, err := read(ctx, tx)
				require.NoError(t, err)
				require.Len(t, all, 1, "reader %d", i)
				check(all[0])
			}
			return nil
		})
	}
	checkAll()
	b.update(t, func(tx store.Tx) error { return k.update(ctx, tx, want) })
	checkAll()
}

func fullWorkflowRunRecord() *glue.WorkflowRunRecord {
	run := fullRun()
	run.Status = glue.WorkflowRunStopping // active, so Active reads it too
	run.Statistics, run.Graph = nil, nil
	return &glue.WorkflowRunRecord{
		Run:            *run,
		Triggers:       []*glue.Trigger{fullTrigger("t1"), fullTrigger("t2")},
		CarriedJobRuns: []string{"jr_a", "jr_b"},
		CarriedCrawls:  []string{"cr_a"},
	}
}

func fullJobRunRecord() *glue.JobRunRecord {
	return &glue.JobRunRecord{
		JobRun:        *fullJobRun(),
		WorkflowName:  "full",
		WorkflowRunID: "wr_2",
		Retried:       true,
		PID:           424242,
		ProcessStart:  1<<63 + 12345, // beyond int64 and float64 precision
		Deadline:      glue.At(at(48*time.Hour + 999*time.Millisecond)),
		Action: glue.Action{JobName: "j", Arguments: map[string]string{"--day": "1", "--empty": ""}, Timeout: new(int32(60)),
			SecurityConfiguration: "sec", NotificationProperty: &glue.NotificationProperty{NotifyDelayAfter: new(int32(5))},
			CrawlerName: "c"},
		Bookmarked: true,
		Node:       "node-a",
	}
}

func fullCrawlRecord() *glue.CrawlRecord {
	return &glue.CrawlRecord{
		ID:            "cr_1",
		CrawlerName:   "full",
		TriggerName:   "t",
		WorkflowName:  "w",
		WorkflowRunID: "wr_1",
		State:         glue.CrawlFailed,
		StartedOn:     glue.At(at(time.Minute)),
		CompletedOn:   glue.At(at(2*time.Minute + 7*time.Millisecond)),
		ErrorMessage:  "line one\nline two ünï",
		Summary:       `{"tablesCreated":2}`,
		FilesFound:    1 << 40,
		FoldersFound:  17,
		TablesCreated: 3,
		TablesUpdated: 2,
		TablesDeleted: 1,
		Node:          "node-b",
	}
}

func fullBlueprint() *glue.BlueprintRecord {
	return &glue.BlueprintRecord{
		Blueprint: glue.Blueprint{
			Name:                     "full",
			Description:              new("makes workflows"),
			CreatedOn:                glue.At(ms),
			LastModifiedOn:           glue.At(at(time.Hour + 3*time.Millisecond)),
			ParameterSpec:            `{"WorkflowName":{"Type":"String","Collection":false}}`,
			BlueprintLocation:        "s3://blueprints/full.zip",
			BlueprintServiceLocation: "file:///var/lib/epoxy/blueprints/full/3.zip",
			Status:                   glue.BlueprintFailed,
			ErrorMessage:             "layout.py: no generator",
			LastActiveDefinition: &glue.LastActiveDefinition{
				Description:              new("previous"),
				LastModifiedOn:           glue.At(at(-time.Hour)),
				ParameterSpec:            `{}`,
				BlueprintLocation:        "s3://blueprints/full-v2.zip",
				BlueprintServiceLocation: "file:///var/lib/epoxy/blueprints/full/2.zip",
			},
		},
		Version:         3,
		ActiveGenerator: "layout.generate_layout",
	}
}

func fullBlueprintRunRecord() *glue.BlueprintRunRecord {
	return &glue.BlueprintRunRecord{Run: glue.BlueprintRun{
		BlueprintName:        "full",
		RunID:                "br_1",
		WorkflowName:         "made",
		State:                glue.BlueprintRunFailed,
		StartedOn:            glue.At(ms),
		CompletedOn:          glue.At(at(time.Minute + time.Millisecond)),
		ErrorMessage:         "entity creation failed",
		RollbackErrorMessage: "could not delete job j",
		Parameters:           `{"WorkflowName":"made","Count":3}`,
		RoleArn:              "arn:aws:iam::123456789012:role/blueprint",
	}}
}
