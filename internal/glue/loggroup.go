package glue

// LogGroupName is the LogGroupName Glue gives the runs of a job with the
// command name: /aws-glue/python-jobs for pythonshell jobs, /aws-glue/jobs
// for the others. Their output is in the groups "<LogGroupName>/output"
// and "<LogGroupName>/error".
func LogGroupName(command string) string {
	if command == CommandPythonShell {
		return "/aws-glue/python-jobs"
	}
	return "/aws-glue/jobs"
}
