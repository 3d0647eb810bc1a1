package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Ensure each kind has its own namespace: the same name can be a workflow,
// a trigger, a job and a crawler, with tags of its own, and deleting one
// leaves the others and their tags alone.
func testNamespaces(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	const name = "shared"
	mustInsert(t, b, workflows, workflows.make(name, "workflow"))
	mustInsert(t, b, triggers, triggers.make(name, "trigger"))
	mustInsert(t, b, jobs, jobs.make(name, "job"))
	mustInsert(t, b, crawlers, crawlers.make(name, "crawler"))
	b.update(t, func(tx store.Tx) error {
		for _, k := range []glue.Kind{glue.KindWorkflow, glue.KindTrigger, glue.KindJob, glue.KindCrawler} {
			if err := tx.AddTags(ctx, glue.Resource{Kind: k, Name: name}, map[string]string{"kind": string(k)}); err != nil {
				return err
			}
		}
		existed, err := tx.Jobs().Delete(ctx, name)
		require.True(t, existed)
		return err
	})
	b.view(t, func(tx store.Tx) error {
		w, err := tx.Workflows().Get(ctx, name)
		require.NoError(t, err)
		require.Equal(t, "workflow", *w.Description)
		tr, err := tx.Triggers().Get(ctx, name)
		require.NoError(t, err)
		require.Equal(t, "trigger", *tr.Description)
		c, err := tx.Crawlers().Get(ctx, name)
		require.NoError(t, err)
		require.Equal(t, "crawler", *c.Description)
		_, err = tx.Jobs().Get(ctx, name)
		requireCode(t, err, glue.EntityNotFound)

		for _, k := range []glue.Kind{glue.KindWorkflow, glue.KindTrigger, glue.KindCrawler} {
			tags, err := tx.Tags(ctx, glue.Resource{Kind: k, Name: name})
			require.NoError(t, err)
			require.Equal(t, map[string]string{"kind": string(k)}, tags, "%s keeps its tags", k)
		}
		tags, err := tx.Tags(ctx, glue.Resource{Kind: glue.KindJob, Name: name})
		require.NoError(t, err)
		require.Empty(t, tags, "the job's tags went with it")
		return nil
	})
}

// Ensure tags are added, merged, overwritten, removed, and deleted with
// their entity, and that a resource without tags reports an empty map.
func testTags(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	r := glue.Resource{Kind: glue.KindWorkflow, Name: "w"}
	mustInsert(t, b, workflows, workflows.make("w", ""))
	tags := func() map[string]string {
		t.Helper()
		var out map[string]string
		b.view(t, func(tx store.Tx) error {
			var err error
			out, err = tx.Tags(ctx, r)
			return err
		})
		return out
	}

	none := tags()
	require.NotNil(t, none, "no tags is an empty map, not nil")
	require.Empty(t, none)

	b.update(t, func(tx store.Tx) error {
		return tx.AddTags(ctx, r, map[string]string{"team": "data", "env": "dev", "empty": ""})
	})
	require.Equal(t, map[string]string{"team": "data", "env": "dev", "empty": ""}, tags())

	b.update(t, func(tx store.Tx) error {
		return tx.AddTags(ctx, r, map[string]string{"env": "prod", "cost": "42"})
	})
	require.Equal(t, map[string]string{"team": "data", "env": "prod", "empty": "", "cost": "42"}, tags(), "merged; existing keys overwritten")

	b.update(t, func(tx store.Tx) error { return tx.AddTags(ctx, r, map[string]string{}) })
	b.update(t, func(tx store.Tx) error { return tx.RemoveTags(ctx, r, nil) })
	require.Len(t, tags(), 4, "empty changes change nothing")

	b.update(t, func(tx store.Tx) error {
		return tx.RemoveTags(ctx, r, []string{"env", "not-there", "TEAM"})
	})
	require.Equal(t, map[string]string{"team": "data", "empty": "", "cost": "42"}, tags(), "keys are case-sensitive; missing keys are ignored")

	b.update(t, func(tx store.Tx) error {
		got, err := tx.Tags(ctx, r)
		require.NoError(t, err)
		require.Len(t, got, 3)
		if err := tx.AddTags(ctx, r, map[string]string{"inside": "tx"}); err != nil {
			return err
		}
		got, err = tx.Tags(ctx, r)
		require.NoError(t, err)
		require.Equal(t, "tx", got["inside"], "a transaction sees its own tag writes")
		return nil
	})

	b.update(t, func(tx store.Tx) error {
		_, err := tx.Workflows().Delete(ctx, "w")
		return err
	})
	require.Empty(t, tags(), "tags are deleted with the entity")

	mustInsert(t, b, workflows, workflows.make("w", "reborn"))
	require.Empty(t, tags(), "a new entity of the same name starts without tags")
	b.view(t, func(tx store.Tx) error {
		got, err := tx.Workflows().List(ctx, glue.ListOptions{Tags: map[string]string{"team": "data"}})
		require.NoError(t, err)
		require.Empty(t, got)
		return nil
	})
}

func trigger(name, workflow string, actions ...glue.Action) *glue.Trigger {
	return &glue.Trigger{Name: name, WorkflowName: workflow, ID: "tid-" + name, Type: glue.TriggerOnDemand,
		State: glue.TriggerCreated, Actions: actions}
}

// Ensure the trigger filters Workflow and DependentJob select by the stored
// definition, follow Replace, and combine with each other, tags and paging.
func testTriggerFilters(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsert(t, b, triggers,
		trigger("t1", "A", glue.Action{CrawlerName: "j"}, glue.Action{JobName: "x"}),
		trigger("t2", "B", glue.Action{JobName: "j"}),
		trigger("t3", "", glue.Action{JobName: "y"}, glue.Action{JobName: "j"}),
		trigger("t4", "A", glue.Action{JobName: "j"}, glue.Action{JobName: "j"}),
		trigger("t5", "AB"),
		trigger("t6", "a", glue.Action{JobName: "J"}),
	)
	b.update(t, func(tx store.Tx) error {
		return tx.AddTags(ctx, glue.Resource{Kind: glue.KindTrigger, Name: "t4"}, map[string]string{"team": "data"})
	})
	list := func(opts glue.ListOptions) []string {
		t.Helper()
		var out []string
		b.view(t, func(tx store.Tx) error {
			out = nilIfEmpty(names(triggers, listBoth(t, triggers, tx.Triggers(), opts)))
			return nil
		})
		return out
	}

	require.Equal(t, []string{"t1", "t4"}, list(glue.ListOptions{Workflow: "A"}), "exact, case-sensitive workflow match")
	require.Equal(t, []string{"t6"}, list(glue.ListOptions{Workflow: "a"}))
	require.Nil(t, list(glue.ListOptions{Workflow: "none"}))
	require.Equal(t, []string{"t2", "t3", "t4"}, list(glue.ListOptions{DependentJob: "j"}), "a crawler of the same name is no job; each trigger once")
	require.Equal(t, []string{"t1"}, list(glue.ListOptions{DependentJob: "x"}))
	require.Nil(t, list(glue.ListOptions{DependentJob: "A"}), "workflow names are not jobs")
	require.Equal(t, []string{"t4"}, list(glue.ListOptions{Workflow: "A", DependentJob: "j"}))
	require.Equal(t, []string{"t4"}, list(glue.ListOptions{DependentJob: "j", Tags: map[string]string{"team": "data"}}))
	require.Nil(t, list(glue.ListOptions{Workflow: "B", Tags: map[string]string{"team": "data"}}))
	require.Equal(t, []string{"t2"}, list(glue.ListOptions{DependentJob: "j", Limit: 1}))
	require.Equal(t, []string{"t3", "t4"}, list(glue.ListOptions{DependentJob: "j", After: "t2", Limit: 5}))
	require.Equal(t, []string{"t4"}, list(glue.ListOptions{Workflow: "A", After: "t1"}))

	// Filters see the replaced definition, not the inserted one.
	b.update(t, func(tx store.Tx) error {
		if err := tx.Triggers().Replace(ctx, "t2", trigger("t2", "A", glue.Action{JobName: "z"})); err != nil {
			return err
		}
		_, err := tx.Triggers().Delete(ctx, "t1")
		return err
	})
	require.Equal(t, []string{"t2", "t4"}, list(glue.ListOptions{Workflow: "A"}))
	require.Nil(t, list(glue.ListOptions{Workflow: "B"}))
	require.Equal(t, []string{"t3", "t4"}, list(glue.ListOptions{DependentJob: "j"}))
	require.Equal(t, []string{"t2"}, list(glue.ListOptions{DependentJob: "z"}))
	require.Nil(t, list(glue.ListOptions{DependentJob: "x"}))
}
