package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// Ensure job bookmarks follow Glue: --job-bookmark-option reaches the script;
// each SUCCEEDED run with job-bookmark-enable advances the job's bookmark
// (a paused or disabled run does not); GetJobBookmark with a RunId shows
// the bookmark as it stood after that run; ResetJobBookmark resets it to
// nothing or to a run; a job without a bookmark answers
// EntityNotFoundException.
func TestJobBookmark_Lifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	scriptJob(t, b, "bm", pyScript(t, dir, "argv", argvScript(dir)), func(in *glue.CreateJobInput) {
		in.DefaultArguments = map[string]string{"--job-bookmark-option": "job-bookmark-enable"}
	})
	get := func(runID string) (*types.JobBookmarkEntry, error) {
		in := &glue.GetJobBookmarkInput{JobName: aws.String("bm")}
		if runID != "" {
			in.RunId = aws.String(runID)
		}
		out, err := b.client.GetJobBookmark(ctx, in)
		if err != nil {
			return nil, err
		}
		return out.JobBookmarkEntry, nil
	}
	run := func(args map[string]string) string {
		id := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("bm"), Arguments: args})
		waitJobRunState(t, b, "bm", id, types.JobRunStateSucceeded, runWait)
		return id
	}

	_, err := get("")
	requireCode(t, err, "EntityNotFoundException")
	require.Equal(t, "Continuation for job bm not found", errMessage(t, err))
	_, err = b.client.ResetJobBookmark(ctx, &glue.ResetJobBookmarkInput{JobName: aws.String("bm")})
	require.Equal(t, "Continuation for job bm not found", errMessage(t, err))

	r1 := run(nil)
	_, args := readArgv(t, dir, r1)
	require.Equal(t, "job-bookmark-enable", args["--job-bookmark-option"], "the option reaches the script as Glue passes it")
	e, err := get("")
	require.NoError(t, err)
	require.Equal(t, types.JobBookmarkEntry{JobName: aws.String("bm"), Version: 1, Run: 1, Attempt: 0, RunId: aws.String(r1)}, *e)

	r2 := run(nil)
	paused := run(map[string]string{"--job-bookmark-option": "job-bookmark-pause"})
	_, args = readArgv(t, dir, paused)
	require.Equal(t, "job-bookmark-pause", args["--job-bookmark-option"])
	e, err = get("")
	require.NoError(t, err)
	require.Equal(t, types.JobBookmarkEntry{JobName: aws.String("bm"), Version: 2, Run: 2, RunId: aws.String(r2), PreviousRunId: aws.String(r1)},
		*e, "a paused run leaves the bookmark where it was")

	e, err = get(r1)
	require.NoError(t, err)
	require.Equal(t, aws.String(r1), e.RunId)
	require.Equal(t, int32(1), e.Run)
	_, err = get(paused)
	requireCode(t, err, "EntityNotFoundException", paused)

	reset, err := b.client.ResetJobBookmark(ctx, &glue.ResetJobBookmarkInput{JobName: aws.String("bm"), RunId: aws.String(r1)})
	require.NoError(t, err)
	require.Equal(t, types.JobBookmarkEntry{JobName: aws.String("bm"), Version: 3, Run: 1, RunId: aws.String(r1)}, *reset.JobBookmarkEntry)
	reset, err = b.client.ResetJobBookmark(ctx, &glue.ResetJobBookmarkInput{JobName: aws.String("bm")})
	require.NoError(t, err)
	require.Equal(t, types.JobBookmarkEntry{JobName: aws.String("bm"), Version: 4}, *reset.JobBookmarkEntry)
	e, err = get("")
	require.NoError(t, err)
	require.Equal(t, int32(0), e.Run, "after a reset the bookmark starts over")

	r3 := run(nil)
	e, err = get("")
	require.NoError(t, err)
	require.Equal(t, types.JobBookmarkEntry{JobName: aws.String("bm"), Version: 5, Run: 1, RunId: aws.String(r3)}, *e)

	_, err = b.client.GetJobBookmark(ctx, &glue.GetJobBookmarkInput{JobName: aws.String("ghost")})
	requireCode(t, err, "EntityNotFoundException", "ghost")
}
