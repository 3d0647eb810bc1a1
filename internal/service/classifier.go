package service

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// CreateClassifier stores a new custom classifier at version 1. Names are
// shared by every classifier type.
func (s *Service) CreateClassifier(ctx context.Context, c *glue.Classifier) error {
	if err := c.CheckOneVariant(); err != nil {
		return err
	}
	m := c.Meta()
	now := s.now()
	m.CreationTime, m.LastUpdated, m.Version = glue.At(now), glue.At(now), 1
	return s.store.Update(ctx, func(tx store.Tx) error {
		err := tx.Classifiers().Insert(ctx, m.Name, c)
		if glue.IsCode(err, glue.AlreadyExists) {
			return glue.Errorf(glue.AlreadyExists, "Classifier %s already exists.", m.Name)
		}
		return err
	})
}

// UpdateClassifier merges an update into a classifier of the same type and
// bumps its version.
func (s *Service) UpdateClassifier(ctx context.Context, u *glue.Classifier) error {
	if err := u.CheckOneVariant(); err != nil {
		return err
	}
	name := u.Meta().Name
	return s.store.Update(ctx, func(tx store.Tx) error {
		c, err := getClassifier(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := c.ApplyUpdate(u); err != nil {
			return err
		}
		m := c.Meta()
		m.LastUpdated, m.Version = glue.At(s.now()), m.Version+1
		return tx.Classifiers().Replace(ctx, name, c)
	})
}

// DeleteClassifier deletes a classifier; deleting one that does not exist
// is EntityNotFoundException, as in Glue.
func (s *Service) DeleteClassifier(ctx context.Context, name string) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		existed, err := tx.Classifiers().Delete(ctx, name)
		if err == nil && !existed {
			return classifierNotFound(name)
		}
		return err
	})
}

// GetClassifier returns one classifier.
func (s *Service) GetClassifier(ctx context.Context, name string) (*glue.Classifier, error) {
	var out *glue.Classifier
	err := s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = getClassifier(ctx, tx, name)
		return err
	})
	return out, err
}

// ListClassifiers returns a page of classifiers in name order.
func (s *Service) ListClassifiers(ctx context.Context, opts glue.ListOptions) ([]*glue.Classifier, error) {
	var out []*glue.Classifier
	err := s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = tx.Classifiers().List(ctx, opts)
		return err
	})
	return out, err
}

func getClassifier(ctx context.Context, tx store.Tx, name string) (*glue.Classifier, error) {
	c, err := tx.Classifiers().Get(ctx, name)
	if glue.IsCode(err, glue.EntityNotFound) {
		return nil, classifierNotFound(name)
	}
	return c, err
}

func classifierNotFound(name string) error {
	return glue.Errorf(glue.EntityNotFound, "Classifier %s not found", name)
}
