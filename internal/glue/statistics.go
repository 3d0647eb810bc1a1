package glue

// ComputeStatistics counts a run's job runs and crawls by state. Every
// started action counts once in TotalActions and once in the counter of its
// state, so TotalActions is the sum of the others; a failed attempt that was
// retried counts as its final attempt only. Crawls count as actions too:
// CANCELLED crawls as stopped, ERROR as errored.
func ComputeStatistics(jobRuns []*JobRunRecord, crawls []*CrawlRecord) *WorkflowRunStatistics {
	s := &WorkflowRunStatistics{}
	for _, r := range jobRuns {
		if r.Retried {
			continue
		}
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
