package glue

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestComputeStatistics(t *testing.T) {
	t.Parallel()
	jr := func(s JobRunState, retried bool) *JobRunRecord {
		return &JobRunRecord{JobRun: JobRun{JobRunState: s}, Retried: retried}
	}
	cr := func(s CrawlState) *CrawlRecord { return &CrawlRecord{State: s} }
	got := ComputeStatistics(
		[]*JobRunRecord{jr(JobRunFailed, true), jr(JobRunSucceeded, false), jr(JobRunRunning, false), jr(JobRunStarting, false),
			jr(JobRunStopped, false), jr(JobRunTimeout, false), jr(JobRunError, false), jr(JobRunWaiting, false), jr(JobRunExpired, false)},
		[]*CrawlRecord{cr(CrawlSucceeded), cr(CrawlFailed), cr(CrawlCancelled), cr(CrawlError), cr(CrawlRunning)})
	require.Equal(t, &WorkflowRunStatistics{TotalActions: 14, SucceededActions: 2, FailedActions: 3, RunningActions: 3,
		StoppedActions: 2, TimeoutActions: 1, ErroredActions: 2, WaitingActions: 1}, got)
	sum := got.SucceededActions + got.FailedActions + got.RunningActions + got.StoppedActions + got.TimeoutActions + got.ErroredActions + got.WaitingActions
	require.Equal(t, got.TotalActions, sum, "TotalActions is the sum of the counters")
	require.Equal(t, &WorkflowRunStatistics{}, ComputeStatistics(nil, nil))
}
