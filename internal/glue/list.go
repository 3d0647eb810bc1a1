package glue

// ListOptions selects a page of a listing. Pages are keyset pages: they stay
// correct while other requests create and delete entities.
type ListOptions struct {
	// After is the last name of the previous page; "" starts at the beginning.
	After string
	// Limit caps the number of entities returned; 0 means no limit.
	Limit int
	// Tags keeps only entities that carry every one of these key/value pairs.
	Tags map[string]string
	// Workflow keeps only triggers of this workflow.
	Workflow string
	// DependentJob keeps only triggers with an action that starts this job.
	DependentJob string
}
