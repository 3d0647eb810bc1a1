package glue_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Ensure CodeOf and IsCode find a glue error anywhere in a chain and treat
// every other error as an internal one.
func TestCodeOf(t *testing.T) {
	t.Parallel()
	notFound := glue.NotFound(glue.KindWorkflow, "etl")
	wrapped := fmt.Errorf("get workflow: %w", notFound)
	twice := fmt.Errorf("service: %w", wrapped)
	joined := errors.Join(errors.New("first"), glue.Errorf(glue.AlreadyExists, "dup"))
	plain := errors.New("disk on fire")

	tests := []struct {
		name string
		err  error
		code glue.ErrorCode
	}{
		{"direct", notFound, glue.EntityNotFound},
		{"wrapped", wrapped, glue.EntityNotFound},
		{"wrapped twice", twice, glue.EntityNotFound},
		{"joined", joined, glue.AlreadyExists},
		{"plain error", plain, glue.InternalService},
		{"wrapped plain error", fmt.Errorf("x: %w", plain), glue.InternalService},
		{"first glue error wins", fmt.Errorf("%w: %w", glue.Errorf(glue.InvalidInput, "a"), glue.Errorf(glue.AlreadyExists, "b")), glue.InvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.code, glue.CodeOf(tt.err))
			require.True(t, glue.IsCode(tt.err, tt.code) || tt.code == glue.InternalService)
		})
	}

	require.True(t, glue.IsCode(twice, glue.EntityNotFound))
	require.False(t, glue.IsCode(twice, glue.AlreadyExists))
	require.False(t, glue.IsCode(plain, glue.InternalService), "a plain error carries no code")
	require.False(t, glue.IsCode(nil, glue.EntityNotFound))
	require.True(t, glue.IsCode(glue.Errorf(glue.InternalService, "boom"), glue.InternalService))
}

// Ensure errors carry their formatted message and NotFound names the kind
// and entity.
func TestErrorf(t *testing.T) {
	t.Parallel()
	err := glue.Errorf(glue.InvalidInput, "bad %s: %d", "value", 3)
	require.Equal(t, "bad value: 3", err.Error())
	require.Equal(t, glue.InvalidInput, err.Code)

	nf := glue.NotFound(glue.KindTrigger, "nightly")
	require.Equal(t, glue.EntityNotFound, nf.Code)
	require.Equal(t, "Trigger nightly not found", nf.Error())

	var target *glue.Error
	require.ErrorAs(t, fmt.Errorf("wrap: %w", nf), &target)
	require.Same(t, nf, target)
}
