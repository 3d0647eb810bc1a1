package glue

// ComputeStatistics counts a run's job runs and crawls by state, exactly as
// the run's graph lists them: every job run (each attempt of a retried job
// is a job run of its own) and every crawl counts once in TotalActions and
// once in the counter of its state, so TotalActions is the sum of the
// others. CANCELLED crawls count as stopped, ERROR ones as errored.
func ComputeStatistics(jobRuns []*JobRunRecord, crawls []*CrawlRecord) *WorkflowRunStatistics {
	s := &WorkflowRunStatistics{}
	for _, r := range jobRuns {
		s.TotalActions++
		switch r.JobRun.JobRunState {
		case JobRunSucceeded:
			s.SucceededActions++
		case JobRunFailed, JobRunExpired:
			s.FailedActions++
		case JobRunStopped:
			s.StoppedActions++
		case JobRunTimeout:
			s.TimeoutActions++
		case JobRunError:
			s.ErroredActions++
		case JobRunWaiting:
			s.WaitingActions++
		default:
			s.RunningActions++
		}
	}
	for _, c := range crawls {
		s.TotalActions++
		switch c.State {
		case CrawlSucceeded:
			s.SucceededActions++
		case CrawlFailed:
			s.FailedActions++
		case CrawlCancelled:
			s.StoppedActions++
		case CrawlError:
			s.ErroredActions++
		default:
			s.RunningActions++
		}
	}
	return s
}
