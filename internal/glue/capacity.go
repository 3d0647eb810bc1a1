package glue

import "math"

// Capacity is the compute a job or one of its runs asks for: the deprecated
// AllocatedCapacity (DPUs), MaxCapacity (DPUs), or a WorkerType with a
// NumberOfWorkers. A zero AllocatedCapacity means not set, as SDKs send it.
type Capacity struct {
	AllocatedCapacity int32
	MaxCapacity       *float64
	WorkerType        string
	NumberOfWorkers   *int32
}

// Worker types with a command of their own.
const (
	// WorkerTypeRay is the only worker type of Ray jobs, and only theirs.
	WorkerTypeRay = "Z.2X"
)

// Capacity returns the capacity the job asks for.
func (j *Job) Capacity() Capacity {
	return Capacity{AllocatedCapacity: j.AllocatedCapacity, MaxCapacity: j.MaxCapacity,
		WorkerType: j.WorkerType, NumberOfWorkers: j.NumberOfWorkers}
}

// Capacity returns the capacity a StartJobRun call asks for.
func (r *JobRunRequest) Capacity() Capacity {
	return Capacity{AllocatedCapacity: r.AllocatedCapacity, MaxCapacity: r.MaxCapacity,
		WorkerType: r.WorkerType, NumberOfWorkers: r.NumberOfWorkers}
}

// IsSet reports whether any capacity member is given.
func (c Capacity) IsSet() bool {
	return c.AllocatedCapacity != 0 || c.MaxCapacity != nil || c.WorkerType != "" || c.NumberOfWorkers != nil
}

// CheckMix refuses the combinations Glue refuses in one request:
// AllocatedCapacity with MaxCapacity, and either with WorkerType or
// NumberOfWorkers.
func (c Capacity) CheckMix() error {
	workers := c.WorkerType != "" || c.NumberOfWorkers != nil
	switch {
	case c.AllocatedCapacity != 0 && c.MaxCapacity != nil:
		return Errorf(InvalidInput, "Please set only Allocated Capacity or Max Capacity (AllocatedCapacity %d, MaxCapacity %g)", c.AllocatedCapacity, *c.MaxCapacity)
	case c.MaxCapacity != nil && workers:
		return Errorf(InvalidInput, "MaxCapacity cannot be set together with WorkerType and NumberOfWorkers")
	case c.AllocatedCapacity != 0 && workers:
		return Errorf(InvalidInput, "AllocatedCapacity cannot be set together with WorkerType and NumberOfWorkers")
	}
	return nil
}

// Check applies Glue's capacity rules for a job of the given command: the
// mix rules, WorkerType and NumberOfWorkers together, and what each command
// accepts (Python shell: MaxCapacity 0.0625 or 1 and no workers; Ray: only
// worker type Z.2X; Spark: whole DPUs and no Z.2X workers).
func (c Capacity) Check(command string) error {
	if err := c.CheckMix(); err != nil {
		return err
	}
	if (c.WorkerType == "") != (c.NumberOfWorkers == nil) {
		return Errorf(InvalidInput, "WorkerType and NumberOfWorkers must be given together")
	}
	switch command {
	case CommandPythonShell:
		return c.checkPythonShell()
	case CommandRay:
		if c.MaxCapacity != nil || c.AllocatedCapacity != 0 || (c.WorkerType != "" && c.WorkerType != WorkerTypeRay) {
			return Errorf(InvalidInput, "Ray jobs (glueray) take WorkerType %s with NumberOfWorkers, not MaxCapacity, AllocatedCapacity or another worker type", WorkerTypeRay)
		}
	default:
		if c.WorkerType == WorkerTypeRay {
			return Errorf(InvalidInput, "WorkerType %s is for Ray jobs (glueray) only, not %s", WorkerTypeRay, command)
		}
		if c.MaxCapacity != nil && *c.MaxCapacity != math.Trunc(*c.MaxCapacity) {
			return Errorf(InvalidInput, "MaxCapacity of a %s job must be a whole number of DPUs, got %g (fractional DPUs are for Python shell jobs)", command, *c.MaxCapacity)
		}
	}
	return nil
}

func (c Capacity) checkPythonShell() error {
	if c.WorkerType != "" || c.AllocatedCapacity != 0 {
		return Errorf(InvalidInput, "Python shell jobs (pythonshell) take MaxCapacity 0.0625 or 1, not WorkerType, NumberOfWorkers or AllocatedCapacity")
	}
	if c.MaxCapacity != nil && *c.MaxCapacity != DefaultPythonShellCapacity && *c.MaxCapacity != 1 {
		return Errorf(InvalidInput, "MaxCapacity of a Python shell job must be 0.0625 or 1, got %g", *c.MaxCapacity)
	}
	return nil
}

// Override returns the capacity a run of a job gets when the run asks for
// c: the run's capacity replaces the job's, a WorkerType or NumberOfWorkers
// given alone keeping the job's other half.
func (c Capacity) Override(job Capacity) Capacity {
	if !c.IsSet() {
		return job
	}
	if c.WorkerType == "" && c.NumberOfWorkers == nil {
		return Capacity{AllocatedCapacity: c.AllocatedCapacity, MaxCapacity: c.MaxCapacity}
	}
	out := Capacity{WorkerType: c.WorkerType, NumberOfWorkers: c.NumberOfWorkers}
	if out.WorkerType == "" {
		out.WorkerType = job.WorkerType
	}
	if out.NumberOfWorkers == nil {
		out.NumberOfWorkers = job.NumberOfWorkers
	}
	return out
}

// Capacity returns the capacity the run was given.
func (r *JobRun) Capacity() Capacity {
	return Capacity{AllocatedCapacity: r.AllocatedCapacity, MaxCapacity: r.MaxCapacity,
		WorkerType: r.WorkerType, NumberOfWorkers: r.NumberOfWorkers}
}

// SetCapacity records c as the run's capacity.
func (r *JobRun) SetCapacity(c Capacity) {
	r.AllocatedCapacity, r.MaxCapacity, r.WorkerType, r.NumberOfWorkers = c.AllocatedCapacity, c.MaxCapacity, c.WorkerType, c.NumberOfWorkers
}
