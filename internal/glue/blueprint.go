package glue

// BlueprintStatus is the registration status of a blueprint.
type BlueprintStatus string

// Blueprint statuses.
const (
	BlueprintCreating BlueprintStatus = "CREATING"
	BlueprintActive   BlueprintStatus = "ACTIVE"
	BlueprintUpdating BlueprintStatus = "UPDATING"
	BlueprintFailed   BlueprintStatus = "FAILED"
)

// Blueprint is a registered blueprint archive.
type Blueprint struct {
	Name                     string                `json:"Name"`
	Description              *string               `json:"Description,omitempty"`
	CreatedOn                Timestamp             `json:"CreatedOn,omitzero"`
	LastModifiedOn           Timestamp             `json:"LastModifiedOn,omitzero"`
	ParameterSpec            string                `json:"ParameterSpec,omitempty"`
	BlueprintLocation        string                `json:"BlueprintLocation,omitempty"`
	BlueprintServiceLocation string                `json:"BlueprintServiceLocation,omitempty"`
	Status                   BlueprintStatus       `json:"Status,omitempty"`
	ErrorMessage             string                `json:"ErrorMessage,omitempty"`
	LastActiveDefinition     *LastActiveDefinition `json:"LastActiveDefinition,omitempty"`
}

// LastActiveDefinition is the last version of a blueprint that registered
// successfully; runs use it.
type LastActiveDefinition struct {
	Description              *string   `json:"Description,omitempty"`
	LastModifiedOn           Timestamp `json:"LastModifiedOn,omitzero"`
	ParameterSpec            string    `json:"ParameterSpec,omitempty"`
	BlueprintLocation        string    `json:"BlueprintLocation,omitempty"`
	BlueprintServiceLocation string    `json:"BlueprintServiceLocation,omitempty"`
}

// BlueprintRecord is a blueprint with the bookkeeping Epoxy keeps beside it.
type BlueprintRecord struct {
	Blueprint Blueprint `json:"blueprint"`
	// Version counts registrations; each archive copy is named after it.
	Version int `json:"version"`
	// ActiveGenerator is the layoutGenerator of LastActiveDefinition.
	ActiveGenerator string `json:"activeGenerator,omitempty"`
}

// Usable reports whether runs can start: a version registered successfully.
func (b *BlueprintRecord) Usable() bool { return b.Blueprint.LastActiveDefinition != nil }

// BlueprintRunState is the state of a blueprint run.
type BlueprintRunState string

// Blueprint run states.
const (
	BlueprintRunRunning     BlueprintRunState = "RUNNING"
	BlueprintRunSucceeded   BlueprintRunState = "SUCCEEDED"
	BlueprintRunFailed      BlueprintRunState = "FAILED"
	BlueprintRunRollingBack BlueprintRunState = "ROLLING_BACK"
)

// BlueprintRun is one run of a blueprint's layout generator.
type BlueprintRun struct {
	BlueprintName        string            `json:"BlueprintName"`
	RunID                string            `json:"RunId"`
	WorkflowName         string            `json:"WorkflowName,omitempty"`
	State                BlueprintRunState `json:"State"`
	StartedOn            Timestamp         `json:"StartedOn,omitzero"`
	CompletedOn          Timestamp         `json:"CompletedOn,omitzero"`
	ErrorMessage         string            `json:"ErrorMessage,omitempty"`
	RollbackErrorMessage string            `json:"RollbackErrorMessage,omitempty"`
	Parameters           string            `json:"Parameters,omitempty"`
	RoleArn              string            `json:"RoleArn,omitempty"`
}

// BlueprintRunRecord is a blueprint run with its store sequence number.
type BlueprintRunRecord struct {
	Run BlueprintRun `json:"run"`
	Seq int64        `json:"-"`
}
