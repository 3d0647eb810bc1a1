package glue

import (
	"errors"
	"fmt"
)

// ErrorCode is the name of the AWS Glue exception an error is reported as.
type ErrorCode string

// The Glue exceptions Epoxy reports. Each value is the exception's shape name
// in the Glue API model.
const (
	AccessDenied                ErrorCode = "AccessDeniedException"
	AlreadyExists               ErrorCode = "AlreadyExistsException"
	ConcurrentModification      ErrorCode = "ConcurrentModificationException"
	ConcurrentRunsExceeded      ErrorCode = "ConcurrentRunsExceededException"
	CrawlerNotRunning           ErrorCode = "CrawlerNotRunningException"
	CrawlerRunning              ErrorCode = "CrawlerRunningException"
	CrawlerStopping             ErrorCode = "CrawlerStoppingException"
	EntityNotFound              ErrorCode = "EntityNotFoundException"
	IllegalBlueprintState       ErrorCode = "IllegalBlueprintStateException"
	IllegalWorkflowState        ErrorCode = "IllegalWorkflowStateException"
	InternalService             ErrorCode = "InternalServiceException"
	InvalidInput                ErrorCode = "InvalidInputException"
	NoSchedule                  ErrorCode = "NoScheduleException"
	OperationTimeout            ErrorCode = "OperationTimeoutException"
	ResourceNumberLimitExceeded ErrorCode = "ResourceNumberLimitExceededException"
	SchedulerNotRunning         ErrorCode = "SchedulerNotRunningException"
	SchedulerRunning            ErrorCode = "SchedulerRunningException"
	SchedulerTransitioning      ErrorCode = "SchedulerTransitioningException"
	Validation                  ErrorCode = "ValidationException" // AWS's framework, not a Glue shape: a model constraint broken
	VersionMismatch             ErrorCode = "VersionMismatchException"
)

// Error is a failure Glue reports to the caller with a code and a message.
type Error struct {
	Code    ErrorCode
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, or
// InternalService for any other error.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return InternalService
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code ErrorCode) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// NotFound returns the EntityNotFoundException for a missing entity of kind.
func NotFound(kind Kind, name string) *Error {
	return Errorf(EntityNotFound, "%s %s not found", kind.Title(), name)
}
